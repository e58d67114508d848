package appstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
)

// RegisterFirstParty publishes the first-party apps embedded in the binary
// as enabled apps, each unless its module (by sha256) is already a version
// of the app, so every start after the first changes nothing and a newer
// version the operator uploaded stays current. An app whose slug belongs
// to an app the operator uploaded is left alone. A first-party app that
// fails validation is logged and skipped; the others still register. It
// returns how many versions it published.
func (s *Service) RegisterFirstParty(ctx context.Context, apps []Upload) (int, error) {
	published := 0
	var errs []error
	for _, up := range apps {
		m, err := abi.ParseManifest(up.Manifest)
		if err != nil {
			s.log.ErrorContext(ctx, "first-party app manifest refused", "err", err)
			errs = append(errs, err)
			continue
		}
		done, err := s.hasVersion(ctx, m.Slug, up.Wasm)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if done {
			continue
		}
		if _, err := s.Publish(ctx, up, PublishOptions{Enabled: true, FirstParty: true}); err != nil {
			s.log.ErrorContext(ctx, "first-party app refused", "app", m.Slug, "err", err)
			errs = append(errs, err)
			continue
		}
		published++
	}
	return published, errors.Join(errs...)
}

// hasVersion reports whether the app slug already holds wasm as a version,
// or is an operator's app that first-party registration must not touch.
func (s *Service) hasVersion(ctx context.Context, slug string, wasm []byte) (bool, error) {
	a, err := s.store.AppBySlug(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !a.FirstParty {
		s.log.WarnContext(ctx, "an uploaded app holds a first-party slug; the first-party app is not registered", "app", slug)
		return true, nil
	}
	sum := sha256.Sum256(wasm)
	want := hex.EncodeToString(sum[:])
	page := store.Page{Limit: store.MaxPageLimit}
	for {
		vs, next, err := s.store.ListAppVersions(ctx, a.ID, page)
		if err != nil {
			return false, err
		}
		for _, v := range vs {
			if v.SHA256 == want {
				return true, nil
			}
		}
		if next == "" {
			return false, nil
		}
		page.After = next
	}
}
