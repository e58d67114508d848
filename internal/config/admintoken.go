package config

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// AdminTokenFile is the name of the generated admin token in the data dir.
const AdminTokenFile = "admin.token"

// LoadAdminToken returns the admin token: c.AdminToken when set, otherwise
// the one in DataDir/admin.token, generating that file (mode 0600) on first
// start and logging its path once. The token itself is never logged. A
// token file that group or others can read is refused.
func LoadAdminToken(c *Config, logger *slog.Logger) (string, error) {
	if c.AdminToken != "" {
		return c.AdminToken, nil
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	path := filepath.Join(c.DataDir, AdminTokenFile)
	tok, err := readTokenFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return tok, err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return "", fmt.Errorf("admin token: create data dir [%s]: %w", c.DataDir, err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("admin token: generate: %w", err)
	}
	tok = base64.RawURLEncoding.EncodeToString(raw[:])
	// O_EXCL: of two servers starting on one data dir, one writes the
	// token and the other reads it.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readTokenFile(path)
	}
	if err != nil {
		return "", fmt.Errorf("admin token: create [%s]: %w", path, err)
	}
	_, werr := io.WriteString(f, tok+"\n")
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(path)
		return "", fmt.Errorf("admin token: write [%s]: %w", path, err)
	}
	logger.Warn("generated an admin token; read it from the file to use the admin API", "path", path)
	return tok, nil
}

func readTokenFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("admin token: %w", err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("admin token: [%s] is not a regular file", path)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("admin token: refusing [%s]: mode %#o lets group or others read it; run chmod 600 on it", path, st.Mode().Perm())
	}
	v, err := readSecretFile(path)
	if err != nil {
		return "", fmt.Errorf("admin token: %w", err)
	}
	v = strings.TrimSpace(v)
	if len(v) < minAdminTokenLen {
		return "", fmt.Errorf("admin token: [%s] holds %d characters; want at least %d", path, len(v), minAdminTokenLen)
	}
	return v, nil
}
