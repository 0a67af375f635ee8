"""PostgreSQL-backed replacement for CKAN's Solr search, for development and tests only."""
