"""JSON Schemas written by SmartBorder for credential types nobody had published (package data)."""
