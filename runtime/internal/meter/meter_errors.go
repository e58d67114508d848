package meter

import "errors"

// Errors Instrument wraps; test with errors.Is.
var (
	// ErrMalformed reports bytes that are not a well-formed binary module.
	ErrMalformed = errors.New("malformed module")
	// ErrUnsupported reports a feature outside wazero's CoreFeaturesV2.
	ErrUnsupported = errors.New("unsupported feature")
	// ErrReserved reports a module that already uses a name Instrument adds.
	ErrReserved = errors.New("reserved name")
	// ErrLimit reports a module past one of Instrument's size limits.
	ErrLimit = errors.New("limit exceeded")
)
