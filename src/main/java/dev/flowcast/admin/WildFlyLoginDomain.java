package dev.flowcast.admin;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * Makes the console's Jakarta Security login work on a stock WildFly, without changing its configuration; does
 * nothing anywhere else.
 *
 * <p>Why: WildFly's default configuration maps every web deployment to the security domain mapping {@code other}
 * with {@code integrated-jaspi=true}, which accepts a caller established by a Jakarta Security mechanism only if the
 * server's own {@code ApplicationRealm} knows that name: the admin, validated by {@code AdminIdentityStore}, was
 * refused there ({@code ELY01177: Authorization failed}). The documented remedy is a CLI change
 * ({@code integrated-jaspi=false}), which the contract rules out. The one switch a deployment itself holds is
 * WildFly's <em>virtual security domain</em>: WildFly 39 creates one, with ad-hoc identities (integrated JASPI off),
 * for a WAR whose Jandex index shows MicroProfile JWT login declared on a {@link Application} subclass
 * ({@code JwtActivationProcessor}; {@code UndertowDeploymentInfoService} then configures
 * {@code setIntegratedJaspi(false)}). This class is that declaration and nothing more:
 * {@code jboss-deployment-structure.xml} excludes {@code io.smallrye.jwt}, so no JWT mechanism joins the form login,
 * and no endpoint accepts JWTs.
 *
 * <p>Elsewhere it is inert: without {@code @ApplicationPath} or a servlet mapping, neither RESTEasy nor Jersey
 * deploys it ({@code ingest.RestApplication} is the REST application), and it is not a CDI bean (no bean-defining
 * annotation), so Payara's MicroProfile JWT, which looks for {@code @LoginConfig} on beans, never sees it.
 * {@code AdminConsoleIT} and {@code OperationsIT} check the login on each server.
 */
@LoginConfig(authMethod = "MP-JWT")
public class WildFlyLoginDomain extends Application {
}
