package vault

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/slotbox/slotbox/abi"
)

// OAuthApp is the OAuth 2 client of one isOAuth app: the provider's
// endpoints and scopes from the manifest's oauth block, and the client id
// and secret the operator set as the app's keys. It is immutable.
type OAuthApp struct {
	slug string
	// One config per client authentication style (RFC 6749 section 2.3.1):
	// which one the provider takes is probed once and remembered by the
	// Vault (see Vault.retrieve).
	header, params *oauth2.Config
}

// NewOAuthApp returns the OAuth client of app slug. redirectURL is the
// server's callback URL for the app.
func NewOAuthApp(slug string, provider *abi.OAuthConfig, clientID, clientSecret, redirectURL string) (*OAuthApp, error) {
	if slug == "" {
		return nil, errors.New("vault: oauth app needs a slug")
	}
	if provider == nil {
		return nil, fmt.Errorf("vault: app[%s] has no oauth block in its manifest", slug)
	}
	if clientID == "" {
		return nil, fmt.Errorf("vault: app[%s] has no oauth client id; the operator sets it in the app's keys", slug)
	}
	for name, u := range map[string]string{"authUrl": provider.AuthURL, "tokenUrl": provider.TokenURL} {
		if err := checkEndpoint(u); err != nil {
			return nil, fmt.Errorf("vault: app[%s] oauth %s: %w", slug, name, err)
		}
	}
	if redirectURL != "" {
		if err := checkEndpoint(redirectURL); err != nil {
			return nil, fmt.Errorf("vault: app[%s] oauth redirect url: %w", slug, err)
		}
	}
	conf := func(style oauth2.AuthStyle) *oauth2.Config {
		return &oauth2.Config{
			ClientID:     clientID,
			ClientSecret: clientSecret,
			Endpoint:     oauth2.Endpoint{AuthURL: provider.AuthURL, TokenURL: provider.TokenURL, AuthStyle: style},
			RedirectURL:  redirectURL,
			Scopes:       append([]string(nil), provider.Scopes...),
		}
	}
	return &OAuthApp{slug: slug, header: conf(oauth2.AuthStyleInHeader), params: conf(oauth2.AuthStyleInParams)}, nil
}

func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a url: %w", err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("url [%s] must be absolute http or https", u.Redacted())
	}
	if u.User != nil {
		return fmt.Errorf("url [%s] must not carry user info", u.Redacted())
	}
	return nil
}

// Slug returns the app's slug.
func (a *OAuthApp) Slug() string { return a.slug }

// AuthCodeURL returns the provider URL the user is sent to. state must be
// unguessable and checked on the callback; opts add parameters such as
// oauth2.AccessTypeOffline or oauth2.S256ChallengeOption.
func (a *OAuthApp) AuthCodeURL(state string, opts ...oauth2.AuthCodeOption) string {
	return a.header.AuthCodeURL(state, opts...)
}

// Exchange trades an authorization code for a token and stores it sealed as
// inst's credential, keeping the install-time keys already there and
// marking the credential valid. opts carry, for example,
// oauth2.VerifierOption for PKCE.
func (v *Vault) Exchange(ctx context.Context, inst InstallationRef, app *OAuthApp, code string, opts ...oauth2.AuthCodeOption) error {
	if err := inst.validate(); err != nil {
		return err
	}
	if app == nil || app.slug != inst.App {
		return fmt.Errorf("vault: exchange for installation[%s]: oauth app does not belong to app[%s]", inst.ID, inst.App)
	}
	if code == "" {
		return fmt.Errorf("vault: exchange for installation[%s]: empty authorization code", inst.ID)
	}
	start := v.cfg.now()
	tok, err := v.retrieve(ctx, app, func(ctx context.Context, c *oauth2.Config) (*oauth2.Token, error) {
		return c.Exchange(ctx, code, opts...)
	})
	if err != nil {
		return fmt.Errorf("vault: exchange code for installation[%s] app[%s]: %s", inst.ID, inst.App, describeOAuthError(err, code, app.header.ClientSecret))
	}
	if tok.AccessToken == "" {
		return fmt.Errorf("vault: exchange code for installation[%s] app[%s]: provider sent no access token", inst.ID, inst.App)
	}
	cred, err := v.Get(ctx, inst)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	cred.Token = v.tokenFrom(tok, start, nil)
	cred.Status = Status{}
	return v.Put(ctx, inst, cred)
}

// retrieve runs one token request with the client authentication style the
// provider takes. Unknown yet, it tries HTTP basic (which RFC 6749 requires
// servers to support) and then form parameters, and remembers the first
// that the provider did not reject as a client error. Unlike x/oauth2's own
// probe it keeps an invalid_grant from the first try, which says the client
// authenticated and the grant is dead, instead of masking it with the
// second try's answer.
func (v *Vault) retrieve(ctx context.Context, app *OAuthApp, do func(context.Context, *oauth2.Config) (*oauth2.Token, error)) (*oauth2.Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, v.cfg.client)
	key := app.header.Endpoint.TokenURL + "\x00" + app.header.ClientID
	if style, ok := v.styles.Load(key); ok {
		c := app.header
		if style.(oauth2.AuthStyle) == oauth2.AuthStyleInParams {
			c = app.params
		}
		return do(ctx, c)
	}
	tok, err := do(ctx, app.header)
	if err == nil || isOAuthCode(err, "invalid_grant") {
		v.styles.Store(key, oauth2.AuthStyleInHeader)
		return tok, err
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return nil, err // the endpoint did not answer; nothing learnt
	}
	tok, err2 := do(ctx, app.params)
	if err2 == nil || isOAuthCode(err2, "invalid_grant") {
		v.styles.Store(key, oauth2.AuthStyleInParams)
		return tok, err2
	}
	return nil, err
}

// isOAuthCode reports whether err is a provider error with RFC 6749 code.
func isOAuthCode(err error, code string) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == code
}

// tokenFrom converts a provider's token. The expiry is computed from the
// vault's clock at the time the request was sent, so an injected clock and
// the provider's expires_in agree. Fields the provider left out of a
// refresh response (notably refresh_token) are kept from prev.
func (v *Vault) tokenFrom(tok *oauth2.Token, sent time.Time, prev *Token) *Token {
	t := tokenFromOAuth2(tok)
	if tok.ExpiresIn > 0 {
		t.Expiry = sent.Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	if prev != nil {
		if t.RefreshToken == "" {
			t.RefreshToken = prev.RefreshToken
		}
		if t.TokenType == "" {
			t.TokenType = prev.TokenType
		}
		if t.Scope == "" {
			t.Scope = prev.Scope
		}
	}
	return t
}

// describeOAuthError returns a provider error's code and description, never
// the response body (which a provider may fill with anything), with any of
// secrets the provider echoed replaced by "[redacted]".
func describeOAuthError(err error, secrets ...string) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		s := fmt.Sprintf("provider answered status %d", status)
		if re.ErrorCode != "" {
			s += " error " + clip(re.ErrorCode, 64)
		}
		if re.ErrorDescription != "" {
			s += ": " + clip(re.ErrorDescription, 200)
		}
		return redact(s, secrets)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return redact(fmt.Sprintf("token endpoint unreachable: %s %s: %v", ue.Op, ue.URL, ue.Err), secrets)
	}
	return "token request failed"
}

// redact replaces every non-empty secret in s, and every fragment of one
// that clipping may have left at the end, with "[redacted]".
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) < 4 {
			continue
		}
		s = strings.ReplaceAll(s, sec, "[redacted]")
		for n := len(sec) - 1; n >= 4; n-- {
			if strings.HasSuffix(s, sec[:n]) {
				s = s[:len(s)-n] + "[redacted]"
				break
			}
		}
	}
	return s
}
