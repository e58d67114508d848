// Package caldavapp is a Slotbox calendar app for any CalDAV server (RFC
// 4791): it lists the account's calendars by discovery, writes bookings as
// iCalendar objects named after their iCalUID, with If-None-Match and
// If-Match on the ETag, and reads busy times with a calendar-query REPORT,
// expanding recurring events itself when the server does not.
//
// Every request goes through the host's http_request with
// "auth":"credential": the host attaches the installation's username and
// password as basic auth, so the password never enters the module.
//
// The package has no build tags: its tests run natively with package
// slotboxtest, and the wasm modules (apps/caldav, apps/applecalendar)
// only register an App configured for their server.
package caldavapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// Defaults of NewConfig.
const (
	// DefaultRequestTimeout bounds one request to the server; the host's
	// own limits and the call's deadline apply as well.
	DefaultRequestTimeout = 10 * time.Second
	// DefaultURLKey is the installation key that holds the server's URL
	// (see WithURLKey).
	DefaultURLKey = "url"
)

// Config configures an App. It is immutable: every With method returns a
// changed copy. Start from NewConfig, then name the server with
// WithBaseURL or WithURLKey.
type Config struct {
	integration string
	// serverURL returns the server's URL for a call.
	serverURL func(ctx context.Context) (string, error)
	fixedURL  string
	timeout   time.Duration
	now       func() time.Time
}

// NewConfig returns the configuration of an app whose events and calendars
// carry integration as their type ("caldav_calendar").
func NewConfig(integration string) Config {
	return Config{integration: integration, timeout: DefaultRequestTimeout, now: time.Now}
}

// WithBaseURL returns c talking to the fixed server u (an iCloud preset).
// Such an app reads no key, and its module imports no vault_get.
func (c Config) WithBaseURL(u string) Config {
	c.fixedURL = u
	c.serverURL = func(context.Context) (string, error) { return checkBaseURL(u) }
	return c
}

// WithURLKey returns c reading the server's URL from the installation key
// field with vault_get (the manifest must list it in
// permissions.vault.reveal).
func (c Config) WithURLKey(field string) Config {
	c.fixedURL = ""
	c.serverURL = func(ctx context.Context) (string, error) { return urlFromKey(ctx, field) }
	if field == "" {
		c.serverURL = nil
	}
	return c
}

// WithRequestTimeout returns c giving each request at most d.
func (c Config) WithRequestTimeout(d time.Duration) Config { c.timeout = d; return c }

// WithClock returns c reading the time (DTSTAMP) from now.
func (c Config) WithClock(now func() time.Time) Config { c.now = now; return c }

// validate reports the first setting that cannot work.
func (c Config) validate() error {
	switch {
	case c.integration == "":
		return errors.New("caldavapp: config has no integration type")
	case c.serverURL == nil:
		return errors.New("caldavapp: config names no server: use WithBaseURL or WithURLKey")
	case c.timeout <= 0:
		return errors.New("caldavapp: request timeout must be positive")
	case c.now == nil:
		return errors.New("caldavapp: config has no clock")
	}
	if c.fixedURL != "" {
		if _, err := checkBaseURL(c.fixedURL); err != nil {
			return fmt.Errorf("caldavapp: base URL: %w", err)
		}
	}
	return nil
}

// App is the CalDAV calendar. It implements slotbox.Calendar and
// slotbox.KeysChecker. It holds no state between calls.
type App struct {
	cfg Config
	log *slog.Logger
}

var (
	_ slotbox.Calendar    = (*App)(nil)
	_ slotbox.KeysChecker = (*App)(nil)
)

// New returns an App for cfg, or an error naming the bad setting.
func New(cfg Config) (*App, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &App{cfg: cfg, log: slotbox.Logger()}, nil
}

// Integration returns the type the app's events and calendars carry.
func (a *App) Integration() string { return a.cfg.integration }

// CheckKeys serves app.checkKeys: one PROPFIND on the server's URL with the
// credential. A refusal of the username or password, or a URL that is not a
// CalDAV server, is {valid:false, message}; a failure that says nothing
// about the keys (network, 5xx, 429) is an error.
func (a *App) CheckKeys(ctx context.Context, _ *abi.AppCheckKeysInput) (*abi.AppCheckKeysResult, error) {
	base, err := a.baseURL(ctx)
	if err != nil {
		var se *slotbox.Error
		if errors.As(err, &se) && se.Code == abi.CodeInvalidInput {
			return &abi.AppCheckKeysResult{Valid: false, Message: se.Message}, nil
		}
		return nil, err
	}
	ms, err := a.propfind(ctx, base, "0", bodyPrincipal)
	if err != nil {
		var se *slotbox.Error
		if errors.As(err, &se) {
			switch se.Code {
			case CodeUnauthorized:
				return &abi.AppCheckKeysResult{Valid: false, Message: "the server refused the username or password"}, nil
			case CodeNotFound, CodeBadResponse, CodeUpstreamError:
				return &abi.AppCheckKeysResult{Valid: false, Message: "the url does not answer as a CalDAV server: " + se.Message}, nil
			}
		}
		return nil, fmt.Errorf("check keys: %w", err)
	}
	if len(ms.Responses) == 0 {
		return &abi.AppCheckKeysResult{Valid: false, Message: "the url answered an empty multistatus: it is not a CalDAV endpoint"}, nil
	}
	return &abi.AppCheckKeysResult{Valid: true}, nil
}

// baseURL returns the server's URL for this call.
func (a *App) baseURL(ctx context.Context) (string, error) { return a.cfg.serverURL(ctx) }

// urlFromKey reads the server's URL from the installation key field.
func urlFromKey(ctx context.Context, field string) (string, error) {
	keys, err := slotbox.Vault(ctx, field)
	if err != nil {
		return "", fmt.Errorf("read key [%s]: %w", field, err)
	}
	raw, ok := keys[field]
	if !ok || strings.TrimSpace(raw) == "" {
		return "", invalidInput("the installation has no %s key: set the CalDAV server's URL", field)
	}
	u, err := checkBaseURL(raw)
	if err != nil {
		return "", invalidInput("the %s key: %v", field, err)
	}
	return u, nil
}

// checkBaseURL accepts an absolute http(s) URL without user info, query or
// fragment, and returns it with a path that ends in a slash.
func checkBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("%q is not a URL", clip(raw, 100))
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return "", fmt.Errorf("%q is not an http(s) URL", clip(raw, 100))
	case u.Host == "":
		return "", fmt.Errorf("%q has no host", clip(raw, 100))
	case u.User != nil:
		return "", errors.New("the URL must not carry a username or password; they are separate keys")
	}
	u.RawQuery, u.Fragment = "", ""
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		u.RawPath = ""
	}
	return u.String(), nil
}
