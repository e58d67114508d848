package vault

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Environment variables LoadMasterKey and LoadPreviousKeys read.
const (
	// EnvMasterKey holds the master key as base64 or hex.
	EnvMasterKey = "SLOTBOX_MASTER_KEY"
	// EnvMasterKeyFile names a file holding the master key.
	EnvMasterKeyFile = "SLOTBOX_MASTER_KEY_FILE"
	// EnvPreviousKeys holds older master keys, separated by commas or white
	// space, that still open rows while a rotation runs.
	EnvPreviousKeys = "SLOTBOX_MASTER_KEY_PREVIOUS"
	// EnvPreviousKeysFile names a file of older master keys, one a line.
	EnvPreviousKeysFile = "SLOTBOX_MASTER_KEY_PREVIOUS_FILE"
	// MasterKeyFile is the name of the generated key file in the data dir.
	MasterKeyFile = "master.key"
)

// maxKeyFileSize caps how much of a key file is read.
const maxKeyFileSize = 64 << 10

// LoadMasterKey returns the master key from EnvMasterKey or EnvMasterKeyFile
// (setting both is an error). With neither set it reads dataDir/master.key,
// refusing a file that group or others can read, or generates that file with
// mode 0600 and logs once, at warn level, that the operator must back it up.
// env is the environment lookup (os.Getenv in production); logger may be nil.
func LoadMasterKey(env func(string) string, dataDir string, logger *slog.Logger) (Key, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	inline, file := env(EnvMasterKey), env(EnvMasterKeyFile)
	switch {
	case inline != "" && file != "":
		return Key{}, fmt.Errorf("vault: set %s or %s, not both", EnvMasterKey, EnvMasterKeyFile)
	case inline != "":
		k, err := ParseKey(inline)
		if err != nil {
			return Key{}, fmt.Errorf("%s: %w", EnvMasterKey, err)
		}
		return k, nil
	case file != "":
		text, mode, err := readKeyFile(file)
		if err != nil {
			return Key{}, fmt.Errorf("%s: %w", EnvMasterKeyFile, err)
		}
		if exposed(mode) {
			logger.Warn("master key file is readable by group or others; restrict it to the server's user",
				"path", file, "mode", fmt.Sprintf("%#o", mode.Perm()))
		}
		k, err := ParseKey(text)
		if err != nil {
			return Key{}, fmt.Errorf("%s [%s]: %w", EnvMasterKeyFile, file, err)
		}
		return k, nil
	}
	if dataDir == "" {
		return Key{}, fmt.Errorf("vault: no master key: set %s or %s, or give a data dir to keep a generated one", EnvMasterKey, EnvMasterKeyFile)
	}
	path := filepath.Join(dataDir, MasterKeyFile)
	k, err := readOwnKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	return generateKeyFile(dataDir, path, logger)
}

// LoadPreviousKeys returns the older master keys from EnvPreviousKeys and
// EnvPreviousKeysFile (both may be set); none is not an error.
func LoadPreviousKeys(env func(string) string) ([]Key, error) {
	var texts []string
	texts = append(texts, strings.FieldsFunc(env(EnvPreviousKeys), isKeySep)...)
	if file := env(EnvPreviousKeysFile); file != "" {
		text, _, err := readKeyFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvPreviousKeysFile, err)
		}
		sc := bufio.NewScanner(strings.NewReader(text))
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
				texts = append(texts, line)
			}
		}
	}
	keys := make([]Key, 0, len(texts))
	for i, t := range texts {
		k, err := ParseKey(t)
		if err != nil {
			return nil, fmt.Errorf("previous key %d: %w", i+1, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// ReadKeyFile reads a key from a file written by Key.Encode (or any form
// ParseKey reads). The CLI uses it for --old-key-file style flags.
func ReadKeyFile(path string) (Key, error) {
	text, _, err := readKeyFile(path)
	if err != nil {
		return Key{}, err
	}
	k, err := ParseKey(text)
	if err != nil {
		return Key{}, fmt.Errorf("key file [%s]: %w", path, err)
	}
	return k, nil
}

func isKeySep(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' }

func exposed(mode fs.FileMode) bool {
	return runtime.GOOS != "windows" && mode.Perm()&0o077 != 0
}

func readKeyFile(path string) (string, fs.FileMode, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("open key file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", 0, fmt.Errorf("stat key file [%s]: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return "", 0, fmt.Errorf("key file [%s] is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return "", 0, fmt.Errorf("read key file [%s]: %w", path, err)
	}
	if len(b) > maxKeyFileSize {
		return "", 0, fmt.Errorf("key file [%s] is larger than %d bytes", path, maxKeyFileSize)
	}
	return string(b), st.Mode(), nil
}

// readOwnKeyFile reads the generated key file, refusing it when its mode
// lets group or others read it. A missing file wraps fs.ErrNotExist.
func readOwnKeyFile(path string) (Key, error) {
	text, mode, err := readKeyFile(path)
	if err != nil {
		return Key{}, err
	}
	if exposed(mode) {
		return Key{}, fmt.Errorf("vault: refusing master key file [%s]: mode %#o lets group or others read it; run chmod 600 on it",
			path, mode.Perm())
	}
	k, err := ParseKey(text)
	if err != nil {
		return Key{}, fmt.Errorf("master key file [%s]: %w", path, err)
	}
	return k, nil
}

// generateKeyFile writes a new key to a temporary file and links it into
// place, so a concurrent reader never sees a partial file and two servers
// starting together agree on one key.
func generateKeyFile(dataDir, path string, logger *slog.Logger) (Key, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return Key{}, fmt.Errorf("vault: create data dir [%s]: %w", dataDir, err)
	}
	k, err := GenerateKey()
	if err != nil {
		return Key{}, err
	}
	tmp, err := os.CreateTemp(dataDir, ".master.key.*")
	if err != nil {
		return Key{}, fmt.Errorf("vault: create master key file in [%s]: %w", dataDir, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return Key{}, fmt.Errorf("vault: chmod master key file: %w", err)
	}
	if _, err := io.WriteString(tmp, k.Encode()+"\n"); err != nil {
		tmp.Close()
		return Key{}, fmt.Errorf("vault: write master key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return Key{}, fmt.Errorf("vault: sync master key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Key{}, fmt.Errorf("vault: close master key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readOwnKeyFile(path) // another process won the race
		}
		return Key{}, fmt.Errorf("vault: place master key file [%s]: %w", path, err)
	}
	if d, err := os.Open(dataDir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	logger.Warn("generated a new master key; back it up now: without it no stored credential can be decrypted",
		"path", path, "key_id", k.ID())
	return k, nil
}
