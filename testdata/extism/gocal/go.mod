module github.com/slotbox/slotbox/testdata/extism/gocal

go 1.26.0

require (
	github.com/extism/go-pdk v1.1.3
	github.com/slotbox/slotbox v0.0.0
)

require (
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace github.com/slotbox/slotbox => ../../..
