package vault

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/oauth2"

	"github.com/slotbox/slotbox/abi"
)

// maxSwapRetries bounds how often a refresh re-applies its token to a row
// that changed under it (a rotation re-sealed it, keys were edited).
const maxSwapRetries = 3

// Token returns inst's OAuth token, refreshed first when it expires within
// the configured skew. Concurrent calls for one installation share one
// refresh. When the provider answers invalid_grant the credential is marked
// invalid with the reason and the error wraps ErrCredentialInvalid and an
// *abi.Error PERMISSION_DENIED.
func (v *Vault) Token(ctx context.Context, inst InstallationRef) (Token, error) {
	cred, err := v.Get(ctx, inst)
	if err != nil {
		return Token{}, err
	}
	return v.token(ctx, inst, cred)
}

// token is Token for a credential already read.
func (v *Vault) token(ctx context.Context, inst InstallationRef, cred Credential) (Token, error) {
	if cred.Token == nil {
		return Token{}, fmt.Errorf("installation[%s]: %w", inst.ID, ErrNoToken)
	}
	if cred.Status.Invalid {
		return Token{}, invalidError(inst, cred.Status.Reason)
	}
	if v.fresh(cred.Token) {
		return *cred.Token, nil
	}
	// The refresh runs detached from ctx's cancellation (keeping its values):
	// a caller giving up must neither fail the others waiting on the same
	// flight nor lose a rotated refresh token between the provider's answer
	// and the store.
	detached := context.WithoutCancel(ctx)
	ch := v.flights.DoChan(inst.ID, func() (any, error) { return v.refresh(detached, inst) })
	select {
	case <-ctx.Done():
		return Token{}, fmt.Errorf("vault: wait for token refresh of installation[%s]: %w", inst.ID, ctx.Err())
	case r := <-ch:
		if r.Err != nil {
			return Token{}, r.Err
		}
		return r.Val.(Token), nil
	}
}

// fresh reports whether t is good for at least the skew.
func (v *Vault) fresh(t *Token) bool {
	return t.AccessToken != "" && (t.Expiry.IsZero() || v.cfg.now().Add(v.cfg.skew).Before(t.Expiry))
}

// usable reports whether t has not expired yet, skew or not.
func (v *Vault) usable(t *Token) bool {
	return t.AccessToken != "" && (t.Expiry.IsZero() || v.cfg.now().Before(t.Expiry))
}

func (v *Vault) refresh(ctx context.Context, inst InstallationRef) (Token, error) {
	ctx, cancel := context.WithTimeout(ctx, v.cfg.refreshTimeout)
	defer cancel()
	log := v.cfg.logger.With("installation", inst.ID, "app", inst.App)

	// Read again: a flight that ended just before this one may have
	// refreshed already, and its refresh token may be the only valid one.
	cred, ct, err := v.get(ctx, inst)
	if err != nil {
		return Token{}, err
	}
	switch {
	case cred.Token == nil:
		return Token{}, fmt.Errorf("installation[%s]: %w", inst.ID, ErrNoToken)
	case cred.Status.Invalid:
		return Token{}, invalidError(inst, cred.Status.Reason)
	case v.fresh(cred.Token):
		return *cred.Token, nil
	case cred.Token.RefreshToken == "":
		if v.usable(cred.Token) {
			return *cred.Token, nil
		}
		return Token{}, v.invalidate(ctx, inst, "the access token expired and the provider gave no refresh token")
	}

	app, err := v.oauthApp(ctx, inst.App)
	if err != nil {
		return Token{}, err
	}
	sent := v.cfg.now()
	refresh := cred.Token.RefreshToken
	tok, err := v.retrieve(ctx, app, func(ctx context.Context, c *oauth2.Config) (*oauth2.Token, error) {
		// A token with only a refresh token is expired, so this refreshes.
		return c.TokenSource(ctx, &oauth2.Token{RefreshToken: refresh}).Token()
	})
	if err != nil {
		secrets := []string{refresh, cred.Token.AccessToken, app.header.ClientSecret}
		var re *oauth2.RetrieveError
		errors.As(err, &re)
		if isOAuthCode(err, "invalid_grant") {
			return Token{}, v.invalidate(ctx, inst, "the provider rejected the refresh token: "+describeOAuthError(err, secrets...))
		}
		desc := describeOAuthError(err, secrets...)
		if v.usable(cred.Token) {
			log.Warn("oauth token refresh failed; using the current token until it expires", "error", desc, "expiry", cred.Token.Expiry)
			return *cred.Token, nil
		}
		log.Error("oauth token refresh failed", "error", desc)
		if re != nil {
			// The provider refused for another reason (invalid_client, a 5xx):
			// the operator must look; retrying may help for a 5xx.
			retry := re.Response != nil && re.Response.StatusCode >= 500
			return Token{}, fmt.Errorf("vault: refresh installation[%s]: %w", inst.ID,
				&abi.Error{Code: abi.CodeHostError, Message: fmt.Sprintf("refreshing the oauth token of app [%s] failed: %s", inst.App, desc), Retryable: retry})
		}
		return Token{}, fmt.Errorf("vault: refresh installation[%s]: %w: %w", inst.ID,
			&abi.Error{Code: abi.CodeNetworkError, Message: fmt.Sprintf("the oauth token endpoint of app [%s] did not answer", inst.App), Retryable: true}, err)
	}
	if tok.AccessToken == "" {
		return Token{}, fmt.Errorf("vault: refresh installation[%s]: %w", inst.ID,
			&abi.Error{Code: abi.CodeHostError, Message: fmt.Sprintf("the oauth provider of app [%s] sent no access token", inst.App)})
	}
	nt := v.tokenFrom(tok, sent, cred.Token)
	if err := v.saveToken(ctx, inst, cred, ct, nt); err != nil {
		// The provider may have rotated the refresh token; losing it now
		// means the next refresh fails. Say so loudly.
		log.Error("refreshed oauth token could not be stored", "error", err)
		return Token{}, err
	}
	log.Debug("refreshed oauth token", "expiry", nt.Expiry)
	return *nt, nil
}

// saveToken stores nt as cred's token with a compare-and-swap on the
// ciphertext read, re-reading and re-applying when the row changed without
// its refresh token changing (a rotation, an edit of the keys).
func (v *Vault) saveToken(ctx context.Context, inst InstallationRef, cred Credential, ct []byte, nt *Token) error {
	used := cred.Token.RefreshToken
	for range maxSwapRetries {
		cred.Token = nt
		next, err := v.seal(inst, cred)
		if err != nil {
			return err
		}
		n, err := v.store.Swap(ctx, []Swap{{Installation: inst.ID, Old: ct, New: next}})
		if err != nil {
			return fmt.Errorf("vault: store refreshed token of installation[%s]: %w", inst.ID, err)
		}
		if n == 1 {
			return nil
		}
		cred, ct, err = v.get(ctx, inst)
		if err != nil {
			return err
		}
		if cred.Token == nil || cred.Token.RefreshToken != used {
			return nil // re-authorised meanwhile; the new grant wins
		}
	}
	return fmt.Errorf("vault: store refreshed token of installation[%s]: row kept changing", inst.ID)
}

// invalidate marks inst invalid with reason and returns the error callers
// see.
func (v *Vault) invalidate(ctx context.Context, inst InstallationRef, reason string) error {
	reason = clip(reason, maxReasonBytes)
	v.cfg.logger.Warn("credential marked invalid; the user must reconnect the app",
		"installation", inst.ID, "app", inst.App, "reason", reason)
	if err := v.MarkInvalid(ctx, inst, reason); err != nil {
		return fmt.Errorf("%w (and recording it failed: %w)", invalidError(inst, reason), err)
	}
	return invalidError(inst, reason)
}

// invalidError wraps ErrCredentialInvalid and the *abi.Error a guest sees.
func invalidError(inst InstallationRef, reason string) error {
	return fmt.Errorf("installation[%s]: %w: %w", inst.ID, ErrCredentialInvalid, &abi.Error{
		Code:    abi.CodePermissionDenied,
		Message: fmt.Sprintf("the credential of installation [%s] is invalid (%s); the user must reconnect the app", inst.ID, reason),
	})
}

func (v *Vault) oauthApp(ctx context.Context, slug string) (*OAuthApp, error) {
	if v.cfg.apps == nil {
		return nil, fmt.Errorf("vault: app[%s]: %w", slug, &abi.Error{Code: abi.CodeHostError, Message: "the host has no oauth configuration to refresh tokens with"})
	}
	app, err := v.cfg.apps(ctx, slug)
	if err != nil {
		return nil, fmt.Errorf("vault: oauth client of app[%s]: %w", slug, err)
	}
	if app == nil || app.slug != slug {
		return nil, fmt.Errorf("vault: oauth client of app[%s] not found", slug)
	}
	return app, nil
}
