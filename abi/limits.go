package abi

// Limits of the key-value store an app with permissions.kv gets. They are
// part of the contract so that an operator can tell what "kv": true grants;
// hostfuncs/kv enforces them and answers LIMIT_EXCEEDED past them.
const (
	KVMaxKeys       = 1024     // keys per installation
	KVMaxKeyBytes   = 256      // bytes of one key
	KVMaxValueBytes = 64 << 10 // bytes of one value
)
