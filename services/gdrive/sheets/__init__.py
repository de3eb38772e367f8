"""Google Sheets API v4: A1 notation, cell values as Sheets parses and formats them, formulas, the grid."""
