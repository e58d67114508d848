package abi

// AppCheckKeysInput is the input of app.checkKeys: nothing, the keys are the
// installation's credential.
type AppCheckKeysInput = Empty

// AppCheckKeysResult is the result of app.checkKeys.
type AppCheckKeysResult struct {
	// Valid says whether the installation's keys work.
	Valid bool `json:"valid" jsonschema:"required"`
	// Message explains a failure to the person who entered the keys.
	Message string `json:"message,omitempty"`
}
