"""The ``pgsearch`` CKAN plugin: CKAN searches and indexes through PostgreSQL, not Solr.

CKAN's index and query modules obtain their Solr client from ``make_connection()``;
the plugin swaps that function (in every module that imported it) for one returning
a :class:`PgSearchConnection`, so CKAN's own indexing and query-building code, with its
private-dataset and permission filters, runs unchanged.
"""

from __future__ import annotations

import functools

import ckan.lib.search as search
import ckan.lib.search.common as search_common
import ckan.lib.search.index as search_index
import ckan.lib.search.query as search_query
import ckan.plugins as plugins
import sqlalchemy
from ckan.common import CKANConfig, config

from .connection import PgSearchConnection


def make_connection(decode_dates: bool = True) -> PgSearchConnection:
    """Stands in for ckan.lib.search.common.make_connection (dates stay ISO strings)."""
    return _connection_for(config["sqlalchemy.url"])


@functools.cache
def _connection_for(database_url: str) -> PgSearchConnection:
    connection = PgSearchConnection(sqlalchemy.create_engine(database_url, pool_pre_ping=True))
    connection.create_schema()
    return connection


def _no_solr_schema_to_check(schema_file: str | None = None) -> bool:
    return False


def replace_solr() -> None:
    for module in (search_common, search_index, search_query, search):
        module.make_connection = make_connection
    search.check_solr_schema_version = _no_solr_schema_to_check


class PgSearchPlugin(plugins.SingletonPlugin):
    plugins.implements(plugins.IConfigurer)
    plugins.implements(plugins.IConfigurable)

    def update_config(self, config_: CKANConfig) -> None:
        # IConfigurer runs before CKAN's startup check of the Solr schema version,
        # IConfigurable after it: replacing here keeps that check from calling Solr.
        replace_solr()

    def configure(self, config_: CKANConfig) -> None:
        replace_solr()
        make_connection()  # creates the table now, so a database problem shows at startup
