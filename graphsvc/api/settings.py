"""Settings of the HTTP service, from `GRAPHSVC_*` environment variables (and CLI flags)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from graphsvc.queries.paths import MAX_HOPS
from graphsvc.queries.registry import MAX_ENTITY_PAGE, REGISTRY


class Settings(BaseSettings):
    """Every option of `graphsvc serve`; each is also the variable `GRAPHSVC_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="GRAPHSVC_", extra="ignore")

    seed: Path | None = Field(
        default=None, description="seed directory (default: the bundled seed)")
    host: str = Field(default="127.0.0.1", description="address to listen on")
    port: int = Field(default=8000, ge=0, le=65535, description="port to listen on")
    workers: int = Field(default=1, ge=1, le=64, description="worker processes")
    token: SecretStr | None = Field(
        default=None, description="bearer token every /v1 request needs")
    admin_token: SecretStr | None = Field(
        default=None, description="bearer token of /v1/admin (admin endpoints are off without)")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed by CORS, comma-separated")
    watch: bool = Field(default=False, description="reload when a seed file changes")
    watch_interval: float = Field(
        default=1.0, gt=0, le=60, description="seconds between seed checks")
    watch_quiet: float = Field(
        default=2.0, ge=0, le=600,
        description="seconds the seed files must stay unchanged before --watch reloads")
    reload_max_drop: float = Field(
        default=0.2, ge=0, le=1,
        description="largest share of the nodes, edges or facts serving that a reload may drop "
        "(more is refused unless forced)")
    reload_force: bool = Field(
        default=False, description="SIGHUP and --watch reloads skip the drop check")
    runtime_dir: Path | None = Field(
        default=None, description="set by `graphsvc serve --workers N`: what workers share")
    page_size: int = Field(default=REGISTRY["entities"].param("limit").default, ge=1,
                           description="default page size of list endpoints")
    max_page_size: int = Field(
        default=MAX_ENTITY_PAGE, ge=1, description="largest page size a client may ask for")
    max_hops: int = Field(
        default=MAX_HOPS, ge=1, le=10,
        description=f"largest `hops` of neighbourhood queries (at most {MAX_HOPS}, the "
        "library's limit: a larger value does not raise it)")
    handle_sighup: bool = Field(
        default=False, description="reload on SIGHUP (set by `graphsvc serve`)")
    log_level: str = Field(default="info", description="log level of the server")
    hide_attributes: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="attributes dropped from every response and export, comma-separated "
        "(entity and relation attributes, fact fields, facts of that key)")
    trust_proxy: bool = Field(
        default=False, description="behind a reverse proxy: trust its X-Forwarded-For/-Proto")
    forwarded_allow_ips: str = Field(
        default="127.0.0.1", description="with trust_proxy: the proxy addresses trusted")
    base_url: str | None = Field(
        default=None, description="public base URL for links (default: relative links)")
    max_body_bytes: int = Field(
        default=64 * 1024, ge=0, description="largest request body accepted (413 beyond)")
    max_url_bytes: int = Field(
        default=8 * 1024, ge=256, description="longest URL (path and query) accepted (414)")
    max_header_bytes: int = Field(
        default=16 * 1024, ge=1024,
        description="largest request headers accepted (431; also uvicorn's h11 buffer limit)")
    limit_concurrency: int | None = Field(
        default=1000, ge=1, description="connections at once before 503 (uvicorn)")

    @field_validator("cors_origins", "hide_attributes", mode="before")
    @classmethod
    def _split(cls, v: object) -> object:
        if isinstance(v, str):
            return [p.strip() for p in v.split(",") if p.strip()]
        return v

    @field_validator("hide_attributes")
    @classmethod
    def _hideable(cls, v: list[str]) -> list[str]:
        from graphsvc.hide import check_names

        return check_names(v)

    @field_validator("seed", "runtime_dir", mode="before")
    @classmethod
    def _blank_seed(cls, v: object) -> object:
        return None if v == "" else v
