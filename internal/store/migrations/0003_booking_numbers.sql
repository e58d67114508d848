-- Cal.com's apps name a booking by a number (CalendarEvent.bookingId, a
-- payment's orderId). Booking ids here are text, so each booking the API
-- creates without a number of its own gets one: AUTOINCREMENT never hands
-- out a number twice, even after deletes or a VACUUM.
CREATE TABLE booking_numbers (
    number     INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  TEXT    NOT NULL,
    booking_id TEXT    NOT NULL UNIQUE,
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings(tenant_id, id) ON DELETE CASCADE
) STRICT;
