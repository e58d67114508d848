package abi

//go:generate go run ./internal/cmd/schemagen
