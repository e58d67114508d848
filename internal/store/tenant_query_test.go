package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTenantCRUD(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	a := must(s.CreateTenant(ctx, "Acme"))(t)
	got := must(s.Tenant(ctx, a.ID))(t)
	if got != a {
		t.Errorf("Tenant = %+v, want %+v", got, a)
	}
	ok(t, s.RenameTenant(ctx, a.ID, "Acme Corp"))
	if got := must(s.Tenant(ctx, a.ID))(t); got.Name != "Acme Corp" {
		t.Errorf("renamed to %q", got.Name)
	}
	ok(t, s.DeleteTenant(ctx, a.ID))
	_, err := s.Tenant(ctx, a.ID)
	isErr(t, err, ErrNotFound)
	isErr(t, s.DeleteTenant(ctx, a.ID), ErrNotFound)
	isErr(t, s.RenameTenant(ctx, a.ID, "x"), ErrNotFound)
}

func TestTenantRejectsBadNames(t *testing.T) {
	s := openTest(t)
	for _, name := range []string{"", strings.Repeat("x", maxNameLen+1)} {
		_, err := s.CreateTenant(context.Background(), name)
		isErr(t, err, ErrInvalid)
	}
}

func TestListTenantsPages(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var want []string
	for range 7 {
		want = append(want, must(s.CreateTenant(ctx, "t"))(t).ID)
	}
	var got []string
	p := Page{Limit: 3}
	for pages := 0; ; pages++ {
		ts, next, err := s.ListTenants(ctx, p)
		ok(t, err)
		for _, x := range ts {
			got = append(got, x.ID)
		}
		if next == "" {
			if pages != 2 {
				t.Errorf("%d pages, want 3", pages+1)
			}
			break
		}
		p.After = next
	}
	// Ids sort by creation time to the millisecond; the fixed test clock
	// makes them all one millisecond, so the order is id order.
	slices.Sort(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("pages = %v, want id order %v", got, want)
	}
}

func TestPageLimit(t *testing.T) {
	tests := []struct{ in, want int }{{0, DefaultPageLimit}, {-5, DefaultPageLimit}, {10, 10}, {MaxPageLimit + 1, MaxPageLimit}}
	for _, tt := range tests {
		if got := (Page{Limit: tt.in}).limit(); got != tt.want {
			t.Errorf("limit(%d) = %d, want %d", tt.in, got, tt.want)
		}
	}
	if _, err := (Page{After: "x"}).afterInt("op"); err == nil {
		t.Error("malformed integer cursor accepted")
	}
}

func TestNewIDSortsByTime(t *testing.T) {
	c := newTestClock()
	prev := newID("x", c.Now())
	for range 100 {
		c.Add(time.Millisecond)
		id := newID("x", c.Now())
		if id <= prev {
			t.Fatalf("id %s not after %s", id, prev)
		}
		if len(id) != len("x_")+26 {
			t.Fatalf("id %s has length %d", id, len(id))
		}
		prev = id
	}
	if id1, id2 := newID("x", c.Now()), newID("x", c.Now()); id1 == id2 {
		t.Error("two ids of the same millisecond are equal")
	}
}
