"""Loupe's HTTP API: builds queries from requests and hands them to the core search service."""
