package http

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	nethttp "net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"
)

// Resolver turns a host name into addresses; *net.Resolver implements it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Dial timeouts of the safe transport; the request's context bounds them too.
const (
	dialTimeout         = 10 * time.Second
	tlsHandshakeTimeout = 10 * time.Second
	idleConnTimeout     = 90 * time.Second
	maxIdleConnsPerHost = 8
	maxDialAddrs        = 16
)

// safeDialer dials TCP only, resolves names itself, and checks every address
// against the address policy twice: before dialling, and in the socket's
// Control hook on the exact address connect(2) is given.
type safeDialer struct {
	policy   addressPolicy
	resolver Resolver
}

// newSafeDialer returns the dialer of cfg.
func newSafeDialer(cfg Config) *safeDialer {
	r := cfg.resolver
	if r == nil {
		r = net.DefaultResolver
	}
	return &safeDialer{policy: addressPolicy{allow: cfg.allowNet}, resolver: r}
}

// DialContext dials address ("host:port") on a tcp network.
func (d *safeDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("network %q not allowed: %w", network, ErrAddressRefused)
	}
	hostPart, portPart, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("dial address %q: %w", address, err)
	}
	port, err := strconv.Atoi(portPart)
	if err != nil || port < 1 || port > 65535 {
		return nil, fmt.Errorf("dial address %q: bad port", address)
	}
	name, ips, err := d.resolve(ctx, hostPart)
	if err != nil {
		return nil, err
	}
	var refused, lastErr error
	for _, ip := range ips {
		if err := d.policy.check(name, ip, port); err != nil {
			refused = err
			continue
		}
		nd := net.Dialer{Timeout: dialTimeout, ControlContext: d.control(name)}
		conn, err := nd.DialContext(ctx, network, netip.AddrPortFrom(ip, uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	if lastErr == nil && refused != nil {
		return nil, refused
	}
	if lastErr == nil {
		lastErr = &net.DNSError{Err: "no addresses", Name: hostPart, IsNotFound: true}
	}
	return nil, lastErr
}

// resolve returns the host's normalised name ("" for an IP literal) and the
// addresses to try, IPv4 first, at most maxDialAddrs.
func (d *safeDialer) resolve(ctx context.Context, hostPart string) (string, []netip.Addr, error) {
	if ip, err := netip.ParseAddr(hostPart); err == nil {
		return "", []netip.Addr{ip}, nil
	}
	h, err := parseHost(hostPart)
	if err != nil {
		return "", nil, fmt.Errorf("dial host %q: %w", hostPart, err)
	}
	if h.ip.IsValid() {
		return "", []netip.Addr{h.ip}, nil
	}
	addrs, err := d.resolver.LookupNetIP(ctx, "ip", h.name)
	if err != nil {
		return "", nil, err
	}
	ordered := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		if a.Is4() || a.Is4In6() {
			ordered = append(ordered, a)
		}
	}
	for _, a := range addrs {
		if !a.Is4() && !a.Is4In6() {
			ordered = append(ordered, a)
		}
	}
	if len(ordered) > maxDialAddrs {
		ordered = ordered[:maxDialAddrs]
	}
	return h.name, ordered, nil
}

// control returns the Control hook that re-checks the address the kernel is
// about to connect to; name is the dialled host name ("" for an IP literal).
func (d *safeDialer) control(name string) func(ctx context.Context, network, address string, _ syscall.RawConn) error {
	return func(_ context.Context, network, address string, _ syscall.RawConn) error {
		return d.checkAddress(name, network, address)
	}
}

// checkAddress applies the address policy to a numeric "ip:port".
func (d *safeDialer) checkAddress(name, network, address string) error {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return fmt.Errorf("network %q not allowed: %w", network, ErrAddressRefused)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial address %q not numeric: %w", address, ErrAddressRefused)
	}
	return d.policy.check(name, ap.Addr(), int(ap.Port()))
}

// SafeTransport returns an *http.Transport whose every connection passes
// the address policy of cfg at dial time: names are resolved by cfg's
// resolver and each address dialled is checked, so DNS rebinding cannot
// reach a refused address. It never uses a proxy (HTTP_PROXY is ignored:
// a proxy would hide the real destination from the check). The server's
// webhook deliveries use it with their own CheckRedirect; the URL check
// (CheckURL) is still the caller's job.
func SafeTransport(cfg Config) (*nethttp.Transport, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("http config: %w", err)
	}
	return newTransport(cfg), nil
}

// newTransport builds the transport of a validated cfg.
func newTransport(cfg Config) *nethttp.Transport {
	tc := cfg.tlsConfig.Clone()
	if tc == nil {
		tc = &tls.Config{}
	}
	if tc.MinVersion < tls.VersionTLS12 {
		tc.MinVersion = tls.VersionTLS12
	}
	d := newSafeDialer(cfg)
	return &nethttp.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		TLSClientConfig:        tc,
		TLSHandshakeTimeout:    tlsHandshakeTimeout,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           256,
		MaxIdleConnsPerHost:    maxIdleConnsPerHost,
		IdleConnTimeout:        idleConnTimeout,
		MaxResponseHeaderBytes: int64(cfg.maxHeaderBytes) + 4096,
	}
}

// isAddressError reports whether err comes from the address policy and
// returns the detailed error when there is one.
func isAddressError(err error) (*AddressError, bool) {
	var ae *AddressError
	if errors.As(err, &ae) {
		return ae, true
	}
	return nil, errors.Is(err, ErrAddressRefused)
}
