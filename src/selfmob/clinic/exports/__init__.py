"""A client's or a practice's records in open formats: a versioned JSON document, CSV,
FHIR R4, iCalendar and PDF. Reads only; importing a document is a service."""
