#!/bin/sh
# Runs once, when the postgres-data volume is first initialised: creates Rasa's tracker-store
# database beside the catalogue database (POSTGRES_DB). Rasa can also create it itself
# (login_db in docker/rasa/endpoints.yml), but doing it here avoids racing replicas.
set -eu
db="${RASA_TRACKER_DB:-rasa}"
exists="$(psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$db'")"
if [ "$exists" != "1" ]; then
    psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
        -c "CREATE DATABASE \"$db\" OWNER \"$POSTGRES_USER\""
fi
