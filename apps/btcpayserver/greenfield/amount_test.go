package greenfield

import (
	"encoding/json"
	"testing"
)

func TestDecimalAmount(t *testing.T) {
	for _, tc := range []struct {
		amount   int64
		currency string
		want     string
	}{
		{1234, "USD", "12.34"}, {1234, "usd", "12.34"}, {1200, "EUR", "12"}, {1205, "EUR", "12.05"}, {5, "GBP", "0.05"},
		{1500, "JPY", "1500"}, {7, "KRW", "7"}, {1234, "BHD", "1.234"}, {1000, "KWD", "1"}, {1, "TND", "0.001"},
		{150000, "BTC", "0.0015"}, {100000000, "BTC", "1"}, {1, "BTC", "0.00000001"}, {42, "XYZ", "0.42"},
		{9223372036854775807, "USD", "92233720368547758.07"},
	} {
		if got := decimalAmount(tc.amount, tc.currency); got != tc.want {
			t.Errorf("decimalAmount(%d, %s) = %q, want %q", tc.amount, tc.currency, got, tc.want)
		}
	}
}

func TestDecimal(t *testing.T) {
	for _, tc := range []struct {
		json, cmp string
		equal     bool
	}{
		{`"12.34"`, "12.34", true}, {`12.34`, "12.34", true}, {`"12.340"`, "12.34", true}, {`"12.35"`, "12.34", false},
		{`null`, "0", false}, {`"abc"`, "12", false},
	} {
		var d decimal
		if err := json.Unmarshal([]byte(tc.json), &d); err != nil {
			t.Fatalf("%s: %v", tc.json, err)
		}
		if d.equal(tc.cmp) != tc.equal {
			t.Errorf("%s equal %s = %v", tc.json, tc.cmp, !tc.equal)
		}
	}
	var d decimal
	if err := json.Unmarshal([]byte(`{}`), &d); err == nil {
		t.Fatal("an object decoded as an amount")
	}
}

func TestStoreFrom(t *testing.T) {
	for _, tc := range []struct {
		server, store, want string
		ok                  bool
	}{
		{"https://btcpay.example.com", "S1", "https://btcpay.example.com/api/v1/stores/S1", true},
		{"https://btcpay.example.com/", "S1", "https://btcpay.example.com/api/v1/stores/S1", true},
		{"http://127.0.0.1:23000/btcpay/", "S1", "http://127.0.0.1:23000/btcpay/api/v1/stores/S1", true},
		{"", "S1", "", false}, {"btcpay.example.com", "S1", "", false}, {"https://u:p@btcpay.example.com", "S1", "", false},
		{"https://btcpay.example.com?x=1", "S1", "", false}, {"https://btcpay.example.com", "", "", false},
		{"https://btcpay.example.com", "a/../b", "", false},
	} {
		s, err := storeFrom(map[string]string{KeyServerURL: tc.server, KeyStoreID: tc.store})
		if (err == nil) != tc.ok || (tc.ok && s.path() != tc.want) {
			t.Errorf("storeFrom(%q, %q) = %q, %v", tc.server, tc.store, s.path(), err)
		}
	}
	s := store{server: "https://b", id: "S 1"}
	if got := s.path("invoices", "a/b", "refund"); got != "https://b/api/v1/stores/S%201/invoices/a%2Fb/refund" {
		t.Fatalf("path = %q", got)
	}
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct{ body, code, msg string }{
		{`{"code":"invoice-not-found","message":"The invoice was not found"}`, "invoice-not-found", "The invoice was not found"},
		{`[{"path":"amount","message":"too low"},{"path":"currency","message":"Invalid currency"}]`, "", "amount: too low; currency: Invalid currency"},
		{"<html>\n Bad   Gateway</html>", "", "<html> Bad Gateway</html>"},
		{"", "", ""},
	} {
		code, msg := describe([]byte(tc.body))
		if code != tc.code || msg != tc.msg {
			t.Errorf("describe(%q) = %q, %q", tc.body, code, msg)
		}
	}
}
