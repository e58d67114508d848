//go:build !wasip1

package slotbox

import (
	"fmt"
	"os"

	"github.com/slotbox/slotbox/abi"
)

// Outside a wasm module there is no slotbox host: host calls fail unless the
// context carries a fake host (package slotboxtest), and logs go to stderr.

var errNoHost = &Error{
	Code:    abi.CodeHostError,
	Message: "no slotbox host outside GOOS=wasip1; give the context a fake host (package slotboxtest)",
}

func rawHTTPRequest([]byte) ([]byte, error) { return nil, errNoHost }
func rawVaultGet([]byte) ([]byte, error)    { return nil, errNoHost }
func rawKVGet([]byte) ([]byte, error)       { return nil, errNoHost }
func rawKVSet([]byte) ([]byte, error)       { return nil, errNoHost }
func rawKVDelete([]byte) ([]byte, error)    { return nil, errNoHost }

func rawLog(level int32, msg []byte) {
	fmt.Fprintf(os.Stderr, "slotbox %s: %s\n", abi.LogLevel(level), msg)
}
