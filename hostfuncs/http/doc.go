// Package http is the host side of the guest's http_request host function:
// an outbound HTTP client that an app cannot turn against the host's
// network.
//
// A request passes these layers, in order, and the first that refuses ends
// it with an *abi.Error:
//
//  1. Input. Method GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS or a WebDAV/CalDAV
//     method (PROPFIND, PROPPATCH, REPORT, MKCOL, MKCALENDAR, COPY, MOVE) (empty
//     means GET). auth "", "none" or "credential". timeout_ms >= 0. body or
//     body_base64 (standard base64), not both, at most 1 MiB decoded. At
//     most 64 headers and 32 KiB of names plus values; names are RFC 9110
//     tokens, values hold no control bytes but tab. Refused, not dropped:
//     Host, Connection, Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade,
//     Content-Length, Expect, HTTP2-Settings, every Proxy-* header, and
//     Authorization when auth is "credential". Unknown JSON fields are
//     refused. Violations are INVALID_INPUT, caps LIMIT_EXCEEDED.
//
//  2. URL. Absolute http or https, no user info, at most 8 KiB. The host
//     must be an LDH name (ASCII letters, digits, '-', punycode xn-- labels;
//     non-ASCII is refused), a canonical dotted-quad IPv4 address, or a
//     bracketed IPv6 address without zone. A name whose last label is all
//     digits or starts with 0x must be a canonical IPv4 address, so the
//     odd spellings 2130706433, 0177.0.0.1, 0x7f.1 and 127.1 are refused
//     outright. Plain http is refused unless the operator allows it
//     (Config.WithAllowHTTP). The URL must match an entry of the app's
//     allow-list (ParseAllowList: deny by default, Spin's entry syntax). An
//     IP literal is checked against the address policy here already.
//
//  3. Cache. A GET or HEAD with cache_ttl_seconds > 0 (an addition to
//     abi-v1) is answered from the cache when a live entry exists, without
//     network and without counting against the limits. The key is the
//     installation, method, URL, the guest's headers and whether the
//     credential was asked for (never its value). Only 2xx responses are
//     kept, for min(cache_ttl_seconds, the operator's maximum); the cache
//     is an LRU bounded in entries and bytes.
//
//  4. Limits, per installation, never queued: a concurrency cap (a
//     semaphore tried without waiting) and a token bucket. Either answers
//     RATE_LIMITED, retryable; the bucket's message ends "retry after
//     <duration>" when it refills.
//
//  5. Credential. With auth "credential" the grant's Authenticator attaches
//     the installation's secret, after the URL is checked once more against
//     the allow-list. Its error text is never shown; the secret never
//     appears in a result, an error or a log line.
//
//  6. Dial. The transport uses no proxy and resolves names itself; every
//     address is checked before dialling and again in the socket's Control
//     hook on the exact address connected to, so DNS rebinding cannot pass.
//     Refused classes: 0.0.0.0/8, 10/8, 100.64/10, 127/8, 169.254/16,
//     172.16/12, 192.0.0/24, 192.0.2/24, 192.88.99/24, 192.168/16,
//     198.18/15, 198.51.100/24, 203.0.113/24, 224/4, 240/4,
//     255.255.255.255, the cloud metadata endpoints (169.254.169.254,
//     169.254.170.2, 100.100.100.200, 192.0.0.192, fd00:ec2::254), ::, ::1,
//     64:ff9b:1::/48, 100::/64, 2001::/23 (Teredo included), 2001:db8::/32,
//     3fff::/20, fc00::/7, fe80::/10, fec0::/10, ff00::/8 and all IPv6
//     outside 2000::/3; IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96)
//     and 6to4 (2002::/16) addresses when the IPv4 address they embed is
//     refused. Only the operator (Config.WithAllowNet, the CLI's
//     --allow-net), never a manifest, exempts an address, CIDR or name,
//     optionally per port. A refusal is PERMISSION_DENIED and names the
//     URL's host and the class, never the address.
//
//  7. Redirects. Each hop is checked as in 2 and dialled as in 6; https
//     never redirects to http; at most 5 hops are followed (the sixth is
//     LIMIT_EXCEEDED); a request with the credential never follows a
//     redirect to another origin (PERMISSION_DENIED).
//
//  8. Response. Headers capped as in 1 (LIMIT_EXCEEDED), multiple values
//     joined with ", ", Set-Cookie dropped. The body is read up to 5 MiB
//     plus one byte, and more is LIMIT_EXCEEDED. Valid UTF-8 is returned as
//     body, anything else as body_base64.
//
// The timeout is min(timeout_ms or the default, the operator's maximum,
// what is left of the caller's deadline); it is TIMEOUT, retryable.
// Connection failures are NETWORK_ERROR, retryable unless the host does not
// exist or TLS failed. Error messages are fixed texts naming the URL's
// host, so they never carry an internal address or a changed URL.
//
// SafeTransport and CheckURL give the server's own outbound requests
// (webhook deliveries) the same policy.
package http
