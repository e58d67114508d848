package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/internal/store"
)

// decode reads a JSON request body into v strictly: the content type must
// be JSON, unknown fields and trailing data are refused. An empty body
// decodes as {} when emptyOK.
func decode(c *echo.Context, v any, emptyOK bool) error {
	r := c.Request()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var sc echo.HTTPStatusCoder
		if errors.As(err, &sc) {
			return err
		}
		return newError(http.StatusBadRequest, CodeBadRequest, "could not read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if emptyOK {
			return nil
		}
		return newError(http.StatusBadRequest, CodeBadRequest, "a JSON body is required")
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return newError(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "send the body as application/json")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return newError(http.StatusBadRequest, CodeBadRequest, "malformed JSON body: "+describeJSONError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return newError(http.StatusBadRequest, CodeBadRequest, "malformed JSON body: data after the object")
	}
	return nil
}

// describeJSONError says where a body broke without quoting it: a value
// in the body may be a secret.
func describeJSONError(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q must be %s", te.Field, te.Type.String())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ends early"
	}
	msg := err.Error()
	if len(msg) > 120 {
		msg = msg[:120]
	}
	return msg // "json: unknown field \"x\"" names a field, never a value
}

// page reads ?limit= and ?after=.
func page(c *echo.Context) (store.Page, error) {
	p := store.Page{After: c.QueryParam("after")}
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > store.MaxPageLimit {
			return p, newError(http.StatusBadRequest, CodeBadRequest, fmt.Sprintf("limit must be 1 to %d", store.MaxPageLimit))
		}
		p.Limit = n
	}
	if len(p.After) > 200 {
		return p, newError(http.StatusBadRequest, CodeBadRequest, "after is not a cursor")
	}
	return p, nil
}

// list is a page of items and the cursor of the next page.
type list[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

func newList[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Next: next}
}
