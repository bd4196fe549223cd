"""Spreadsheet import of contacts and their deals (CSV, XLSX) through the intake pipeline."""
