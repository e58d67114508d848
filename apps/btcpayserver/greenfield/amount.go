package greenfield

import (
	"strconv"
	"strings"
)

// exponents are the currencies whose smallest unit is not a hundredth
// (ISO 4217 minor units; BTC in satoshis). Cal.com passes amounts in the
// smallest unit, like Stripe; the Greenfield API takes decimal strings.
var exponents = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"BTC": 8, "LTC": 8,
}

// decimalAmount renders amount smallest units of currency as the decimal
// string the Greenfield API takes: 1234 USD is "12.34", 1234 JPY "1234",
// 150000 BTC "0.0015".
func decimalAmount(amount int64, currency string) string {
	exp, ok := exponents[strings.ToUpper(currency)]
	if !ok {
		exp = 2
	}
	s := strconv.FormatInt(amount, 10)
	if exp == 0 {
		return s
	}
	if len(s) <= exp {
		s = strings.Repeat("0", exp-len(s)+1) + s
	}
	whole, frac := s[:len(s)-exp], strings.TrimRight(s[len(s)-exp:], "0")
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}
