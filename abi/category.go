package abi

// Category is the kind of integration an app is; it decides which methods the
// runtime calls on it.
type Category string

// The categories of the method catalogue.
const (
	CategoryCalendar     Category = "calendar"
	CategoryCRM          Category = "crm"
	CategoryPayment      Category = "payment"
	CategoryConferencing Category = "conferencing"
	CategoryAnalytics    Category = "analytics"
	CategoryAutomation   Category = "automation"
	CategoryOther        Category = "other"
	// CategoryAny marks methods every app may implement (app.checkKeys).
	CategoryAny Category = "any"
)

// Cal.com's app categories (AppCategories), as a manifest's "categories" may
// list them. "video" and "web3" are deprecated in Cal.com but still accepted.
var calcomCategories = []string{
	"calendar", "messaging", "other", "payment", "video", "web3",
	"automation", "analytics", "conferencing", "crm",
}

// categoryOf maps a Cal.com category to the catalogue's Category: "video"
// becomes conferencing, "messaging" and "web3" (no methods of their own)
// become other. It returns "" for an unknown name.
func categoryOf(calcom string) Category {
	switch calcom {
	case "calendar":
		return CategoryCalendar
	case "crm":
		return CategoryCRM
	case "payment":
		return CategoryPayment
	case "conferencing", "video":
		return CategoryConferencing
	case "analytics":
		return CategoryAnalytics
	case "automation":
		return CategoryAutomation
	case "other", "messaging", "web3":
		return CategoryOther
	}
	return ""
}

// Serves reports whether an app of category c implements methods of category
// mc: its own and those of CategoryAny.
func (c Category) Serves(mc Category) bool {
	return mc == CategoryAny || mc == c
}
