package dev.flowcast.auth;

import dev.flowcast.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;

/**
 * The admin console's identity store for Jakarta Security: it knows one user, {@code admin}, with the password of
 * {@code flowcast.admin.password}, checked in constant time by {@link AdminCredentials}; with no password set it
 * refuses every login. A valid admin gets group {@value AdminCredentials#ROLE}, mapped to the role of the same
 * name in {@code glassfish-web.xml}.
 *
 * <p>The one Jakarta class in this package: the rule itself stays in plain Java ({@link AdminCredentials}).
 * Threading: application-scoped, immutable after {@code @PostConstruct}; called on request threads.
 */
@ApplicationScoped
public class AdminIdentityStore implements IdentityStore {

    @Inject
    Settings settings;

    private AdminCredentials credentials;

    @PostConstruct
    void init() {
        credentials = new AdminCredentials(settings.adminPassword());
    }

    @Override
    public CredentialValidationResult validate(Credential credential) {
        if (credential instanceof UsernamePasswordCredential login
                && credentials.matches(login.getCaller(), login.getPasswordAsString())) {
            return new CredentialValidationResult(AdminCredentials.USER, Set.of(AdminCredentials.ROLE));
        }
        return CredentialValidationResult.INVALID_RESULT;
    }

    /** The same check for HTTP Basic on {@code /api/stats}. */
    public boolean acceptsBasic(String authorizationHeader) {
        return credentials.acceptsBasic(authorizationHeader);
    }
}
