package webhook

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/slotbox/slotbox/abi"
	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/store"
)

// sealApp names webhook secrets in the vault's associated data.
const sealApp = "slotbox/webhook"

// NewWebhook is what Create needs.
type NewWebhook struct {
	SubscriberURL string
	// Triggers are Cal.com trigger events, such as BOOKING_CREATED.
	Triggers []string
	// Active defaults to true.
	Active *bool
	// Secret signs deliveries; "" generates a "whsec_" secret, which Create
	// returns once.
	Secret string
}

// Update changes a webhook; nil fields stay as they are.
type Update struct {
	SubscriberURL *string
	Triggers      *[]string
	Active        *bool
	// Secret replaces the signing secret.
	Secret *string
}

// triggers is the set of trigger events a webhook may subscribe to.
var triggers = func() map[string]bool {
	m := map[string]bool{}
	for _, v := range abi.WebhookTriggerEvent("").EnumValues() {
		m[fmt.Sprint(v)] = true
	}
	return m
}()

// checkTriggers refuses unknown or repeated trigger events.
func checkTriggers(ts []string) abi.Problems {
	var ps abi.Problems
	if len(ts) == 0 {
		ps = append(ps, abi.Problem{Path: "/eventTriggers", Message: "at least one trigger event is required"})
	}
	seen := map[string]bool{}
	for i, t := range ts {
		switch {
		case !triggers[t]:
			ps = append(ps, abi.Problem{Path: fmt.Sprintf("/eventTriggers/%d", i), Message: "not a Cal.com trigger event such as BOOKING_CREATED"})
		case seen[t]:
			ps = append(ps, abi.Problem{Path: fmt.Sprintf("/eventTriggers/%d", i), Message: "listed twice"})
		}
		seen[t] = true
	}
	return ps
}

// checkURL applies the outbound policy to a subscriber URL.
func (s *Service) checkURL(raw string) abi.Problems {
	if len(raw) > store.MaxWebhookURLLen {
		return abi.Problems{{Path: "/subscriberUrl", Message: fmt.Sprintf("longer than %d bytes", store.MaxWebhookURLLen)}}
	}
	if err := hhttp.CheckURL(raw, hhttp.AnyHost(), s.policy); err != nil {
		msg := err.Error()
		var ae *abi.Error
		if errors.As(err, &ae) {
			msg = ae.Message
		}
		return abi.Problems{{Path: "/subscriberUrl", Message: msg}}
	}
	return nil
}

// checkSecret refuses a secret too short or too long to sign with.
func checkSecret(secret string) abi.Problems {
	if len(secret) < minSecretLen || len(secret) > maxSecretLen || strings.ContainsAny(secret, "\x00\r\n") {
		return abi.Problems{{Path: "/secret", Message: fmt.Sprintf("must be %d to %d bytes on one line", minSecretLen, maxSecretLen)}}
	}
	return nil
}

// Create registers a tenant's webhook. The secret it returns is the
// generated one, shown this once; "" when the caller gave its own.
func (s *Service) Create(ctx context.Context, tenantID string, n NewWebhook) (store.Webhook, string, error) {
	ps := append(s.checkURL(n.SubscriberURL), checkTriggers(n.Triggers)...)
	shown := ""
	if n.Secret == "" {
		n.Secret, shown = GenerateSecret(), "generated"
	} else {
		ps = append(ps, checkSecret(n.Secret)...)
	}
	if len(ps) > 0 {
		return store.Webhook{}, "", &appstore.ProblemsError{Message: "the webhook is invalid", Problems: ps}
	}
	active := n.Active == nil || *n.Active
	var w store.Webhook
	err := s.st.RunInTx(ctx, func(tx *store.Tx) error {
		created, err := tx.CreateWebhook(ctx, tenantID, store.NewWebhook{SubscriberURL: n.SubscriberURL, Triggers: n.Triggers, Active: active})
		if err != nil {
			return err
		}
		// Sealed after the insert, so the ciphertext is bound to the id.
		sealed, err := s.sealer.Seal(vault.AAD{App: sealApp, Installation: created.ID}, []byte(n.Secret))
		if err != nil {
			return fmt.Errorf("webhook: seal secret: %w", err)
		}
		keyID := s.sealer.PrimaryKeyID()
		w, err = tx.UpdateWebhook(ctx, tenantID, created.ID, store.WebhookUpdate{Secret: &sealed, KeyID: &keyID})
		return err
	})
	if err != nil {
		return store.Webhook{}, "", err
	}
	if shown != "" {
		shown = n.Secret
	}
	return w, shown, nil
}

// Update changes a tenant's webhook.
func (s *Service) Update(ctx context.Context, tenantID, id string, u Update) (store.Webhook, error) {
	var ps abi.Problems
	if u.SubscriberURL != nil {
		ps = append(ps, s.checkURL(*u.SubscriberURL)...)
	}
	if u.Triggers != nil {
		ps = append(ps, checkTriggers(*u.Triggers)...)
	}
	if u.Secret != nil {
		ps = append(ps, checkSecret(*u.Secret)...)
	}
	if len(ps) > 0 {
		return store.Webhook{}, &appstore.ProblemsError{Message: "the change is invalid", Problems: ps}
	}
	up := store.WebhookUpdate{SubscriberURL: u.SubscriberURL, Triggers: u.Triggers, Active: u.Active}
	if u.Secret != nil {
		sealed, err := s.sealer.Seal(vault.AAD{App: sealApp, Installation: id}, []byte(*u.Secret))
		if err != nil {
			return store.Webhook{}, fmt.Errorf("webhook: seal secret: %w", err)
		}
		keyID := s.sealer.PrimaryKeyID()
		up.Secret, up.KeyID = &sealed, &keyID
	}
	return s.st.UpdateWebhook(ctx, tenantID, id, up)
}

// secret opens a webhook's sealed secret.
func (s *Service) secret(w store.Webhook) (string, error) {
	if len(w.Secret) == 0 {
		return "", fmt.Errorf("webhook[%s] has no secret", w.ID)
	}
	b, err := s.sealer.Open(vault.AAD{App: sealApp, Installation: w.ID}, w.Secret)
	if err != nil {
		return "", fmt.Errorf("webhook[%s]: open secret: %w", w.ID, err)
	}
	return string(b), nil
}

// Triggers lists the trigger events a webhook may subscribe to, sorted.
func Triggers() []string {
	out := make([]string, 0, len(triggers))
	for t := range triggers {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}
