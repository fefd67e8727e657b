package dev.flowcast.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.FormAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;

/**
 * How the admin logs in to the console: a Jakarta Security form login (the page posts to
 * {@code j_security_check}), validated by {@link dev.flowcast.auth.AdminIdentityStore}. The constraint on
 * {@code /admin/*} is in {@code web.xml}, the role mapping in {@code glassfish-web.xml}.
 *
 * <p>The mechanism runs for every request of the WAR but acts only on protected pages and on the form's
 * postback: {@code /api}, {@code /ws} and the demo page are untouched. Holds no state.
 */
@FormAuthenticationMechanismDefinition(loginToContinue = @LoginToContinue(
        loginPage = AdminSecurity.LOGIN_PAGE,
        errorPage = AdminSecurity.LOGIN_PAGE + "?failed=true"))
@ApplicationScoped
public class AdminSecurity {

    /** Reached only by a forward from the mechanism (never a redirect), so it shows under the requested URL. */
    public static final String LOGIN_PAGE = "/admin/login.xhtml";
}
