package abi

// Analytics methods: an app of category analytics reports booking events to
// an analytics service.

// AnalyticsTrackInput is the input of analytics.track.
type AnalyticsTrackInput struct {
	// Event is the event's name, such as "BOOKING_CREATED".
	Event string         `json:"event" jsonschema:"required,minLength=1"`
	Data  map[string]any `json:"data" jsonschema:"required"`
}

// AnalyticsTrackResult is the result of analytics.track.
type AnalyticsTrackResult = Empty

// AnalyticsIdentifyInput is the input of analytics.identify.
type AnalyticsIdentifyInput struct {
	UserID string         `json:"userId" jsonschema:"required,minLength=1"`
	Traits map[string]any `json:"traits" jsonschema:"required"`
}

// AnalyticsIdentifyResult is the result of analytics.identify.
type AnalyticsIdentifyResult = Empty
