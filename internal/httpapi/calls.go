package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
)

func (s *Server) registerCalls(g *echo.Group) {
	g.POST("/installations/:id/call", s.debugCall)
	g.GET("/call-records", s.listCallRecords)
	g.GET("/call-records/:id", s.showCallRecord)
}

// callBody is the body of the debug call.
type callBody struct {
	Method string          `json:"method"`
	Input  json.RawMessage `json:"input"`
}

// callLog is one line the app logged.
type callLog struct {
	Time    time.Time `json:"time"`
	Level   string    `json:"level"`
	Message string    `json:"message"`
}

// callResult answers the debug call: the envelope, the logs and the cost.
type callResult struct {
	CallID       string       `json:"callId"`
	RecordID     int64        `json:"recordId"`
	Method       string       `json:"method"`
	Outcome      string       `json:"outcome"`
	Envelope     abi.Envelope `json:"envelope"`
	Logs         []callLog    `json:"logs"`
	LogsDropped  int          `json:"logsDropped"`
	DurationUS   int64        `json:"durationUs"`
	FuelUsed     int64        `json:"fuelUsed"`
	Instantiated bool         `json:"instantiated"`
}

// debugCall runs one method of an installation and shows what happened.
// A failure of the app is a 200 with an error envelope: the call itself
// was served.
func (s *Server) debugCall(c *echo.Context) error {
	var body callBody
	if err := decode(c, &body, false); err != nil {
		return err
	}
	if body.Method == "" {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: CodeValidation, Message: "a call needs a method",
			Problems: abi.Problems{{Path: "/method", Message: "required"}}}
	}
	out, err := s.apps.Call(c.Request().Context(), tenantOf(c).ID, c.Param("id"), body.Method, body.Input)
	if err != nil {
		return err
	}
	res := callResult{CallID: out.CallID, RecordID: out.RecordID, Method: out.Method, Outcome: out.Outcome(), Envelope: out.Envelope,
		Logs: make([]callLog, len(out.Logs)), LogsDropped: out.LogsDropped, DurationUS: out.Duration.Microseconds(),
		FuelUsed: out.FuelUsed, Instantiated: out.Instantiated}
	for i, l := range out.Logs {
		res.Logs[i] = callLog{Time: l.Time, Level: l.Level.String(), Message: l.Message}
	}
	return c.JSON(http.StatusOK, res)
}

func (s *Server) listCallRecords(c *echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	recs, next, err := s.store.ListCallRecords(c.Request().Context(), tenantOf(c).ID,
		store.CallRecordFilter{InstallationID: c.QueryParam("installation")}, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(recs, next))
}

func (s *Server) showCallRecord(c *echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return newError(http.StatusNotFound, CodeNotFound, "not found")
	}
	r, err := s.store.CallRecord(c.Request().Context(), tenantOf(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}
