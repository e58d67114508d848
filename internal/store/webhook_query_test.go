package store

import (
	"slices"
	"testing"
	"time"
)

func TestWebhookCRUD(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	w := must(s.CreateWebhook(ctx, f.a.ID, NewWebhook{SubscriberURL: "https://hooks.example/a", Triggers: []string{"BOOKING_CREATED",
		"BOOKING_CANCELLED"}, Active: true, Secret: []byte("sealed-secret"), KeyID: "k1"}))(t)
	if !w.Active || !w.HasSecret || string(w.Secret) != "sealed-secret" || !slices.Equal(w.Triggers, []string{"BOOKING_CREATED", "BOOKING_CANCELLED"}) {
		t.Errorf("created = %+v", w)
	}
	plain := must(s.CreateWebhook(ctx, f.a.ID, NewWebhook{SubscriberURL: "https://hooks.example/b", Triggers: []string{"BOOKING_CREATED"}, Active: true}))(t)
	if plain.HasSecret || plain.Secret != nil {
		t.Errorf("webhook without secret = %+v", plain)
	}
	must(s.CreateWebhook(ctx, f.a.ID, NewWebhook{SubscriberURL: "https://hooks.example/off", Triggers: []string{"BOOKING_CREATED"}}))(t)

	tests := []struct {
		trigger string
		want    []string
	}{
		{"BOOKING_CREATED", []string{w.ID, plain.ID}},
		{"BOOKING_CANCELLED", []string{w.ID}},
		{"BOOKING_PAID", nil},
		{"BOOKING", nil}, // whole values only
	}
	for _, tt := range tests {
		t.Run(tt.trigger, func(t *testing.T) {
			got := must(s.WebhooksForTrigger(ctx, f.a.ID, tt.trigger))(t)
			var ids []string
			for _, g := range got {
				ids = append(ids, g.ID)
			}
			slices.Sort(ids) // ids of one millisecond come in random order
			slices.Sort(tt.want)
			if !slices.Equal(ids, tt.want) {
				t.Errorf("webhooks = %v, want %v", ids, tt.want)
			}
		})
	}

	off, url, trig := false, "https://hooks.example/c", []string{"BOOKING_PAID"}
	var none []byte
	u := must(s.UpdateWebhook(ctx, f.a.ID, w.ID, WebhookUpdate{Active: &off, SubscriberURL: &url, Triggers: &trig, Secret: &none}))(t)
	if u.Active || u.SubscriberURL != url || !slices.Equal(u.Triggers, trig) || u.HasSecret {
		t.Errorf("updated = %+v", u)
	}
	empty := []string{}
	_, err := s.UpdateWebhook(ctx, f.a.ID, w.ID, WebhookUpdate{Triggers: &empty})
	isErr(t, err, ErrInvalid)
	_, err = s.CreateWebhook(ctx, f.a.ID, NewWebhook{SubscriberURL: "", Triggers: []string{"X"}})
	isErr(t, err, ErrInvalid)
	_, err = s.CreateWebhook(ctx, f.a.ID, NewWebhook{SubscriberURL: "https://x", Triggers: []string{""}})
	isErr(t, err, ErrInvalid)

	list, _ := must2(s.ListWebhooks(ctx, f.a.ID, Page{}))(t)
	if len(list) != 3 {
		t.Errorf("list = %d", len(list))
	}
	ok(t, s.DeleteWebhook(ctx, f.a.ID, w.ID))
	_, err = s.Webhook(ctx, f.a.ID, w.ID)
	isErr(t, err, ErrNotFound)
}

func TestWebhookDeliveries(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	w := must(s.CreateWebhook(ctx, f.a.ID, NewWebhook{SubscriberURL: "https://hooks.example/a", Triggers: []string{"BOOKING_CREATED"}, Active: true}))(t)
	body := []byte(`{"triggerEvent":"BOOKING_CREATED"}`)
	d := must(s.CreateWebhookDelivery(ctx, f.a.ID, w.ID, "BOOKING_CREATED", body))(t)
	if d.Status != DeliveryPending || string(d.Payload) != string(body) || d.Attempts != 0 || !d.DeliveredAt.IsZero() {
		t.Errorf("created = %+v", d)
	}
	d = must(s.UpdateWebhookDelivery(ctx, f.a.ID, d.ID, DeliveryUpdate{Status: DeliveryError, Attempts: 1, ResponseStatus: 302,
		Error: "redirect refused"}))(t)
	if d.Status != DeliveryError || d.ResponseStatus != 302 || d.Error != "redirect refused" {
		t.Errorf("failed attempt = %+v", d)
	}
	at := f.clock.Now().Add(time.Minute)
	d = must(s.UpdateWebhookDelivery(ctx, f.a.ID, d.ID, DeliveryUpdate{Status: DeliverySuccess, Attempts: 2, ResponseStatus: 200, DeliveredAt: at}))(t)
	if !d.DeliveredAt.Equal(at) || d.Error != "" {
		t.Errorf("delivered = %+v", d)
	}
	_, err := s.UpdateWebhookDelivery(ctx, f.a.ID, d.ID, DeliveryUpdate{Status: "gone"})
	isErr(t, err, ErrInvalid)
	_, err = s.CreateWebhookDelivery(ctx, f.a.ID, "whk_missing", "BOOKING_CREATED", body)
	isErr(t, err, ErrNotFound)
	_, err = s.CreateWebhookDelivery(ctx, f.a.ID, w.ID, "BOOKING_CREATED", make([]byte, MaxDeliveryPayload+1))
	isErr(t, err, ErrInvalid)

	for range 4 {
		f.clock.Add(time.Millisecond)
		must(s.CreateWebhookDelivery(ctx, f.a.ID, w.ID, "BOOKING_CREATED", body))(t)
	}
	var ids []string
	p := Page{Limit: 2}
	for {
		ds, next := must2(s.ListWebhookDeliveries(ctx, f.a.ID, w.ID, p))(t)
		for _, x := range ds {
			ids = append(ids, x.ID)
		}
		if next == "" {
			break
		}
		p.After = next
	}
	if len(ids) != 5 || ids[0] < ids[1] || ids[4] != d.ID {
		t.Errorf("deliveries newest first = %v", ids)
	}
	n := must(s.PruneWebhookDeliveries(ctx, f.clock.Now().Add(-3*time.Millisecond)))(t)
	if n != 1 {
		t.Errorf("pruned %d, want only the first", n)
	}
	ok(t, s.DeleteWebhook(ctx, f.a.ID, w.ID))
	_, err = s.WebhookDelivery(ctx, f.a.ID, ids[0])
	isErr(t, err, ErrNotFound) // cascaded
}
