"""What one running app holds: settings, the store, the encoders and the search service.

Built in `create_app` (or handed in by tests), never at import time.
"""

from __future__ import annotations

from dataclasses import dataclass

from loupe_core.accounts.cookies import CookieSigner
from loupe_core.accounts.store import AccountStore
from loupe_core.encoders.registry import Encoders
from loupe_core.search_service import SearchService
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.factory import open_store
from search_api.rate_limit import SlidingWindowLimiter


@dataclass
class Services:
    settings: Settings
    store: AssetStore
    encoders: Encoders
    search: SearchService
    accounts: AccountStore
    cookies: CookieSigner
    login_limiter: SlidingWindowLimiter

    @classmethod
    def build(cls, settings: Settings, store: AssetStore | None = None, encoders: Encoders | None = None) -> Services:
        store = store or open_store(settings)
        encoders = encoders or Encoders.from_settings(settings)
        return cls(
            settings=settings,
            store=store,
            encoders=encoders,
            search=SearchService(store, encoders, settings.max_image_pixels),
            accounts=AccountStore(settings.accounts_db_path),
            cookies=CookieSigner(settings.resolved_secret_key()),
            login_limiter=SlidingWindowLimiter(settings.login_attempts_per_minute),
        )

    def close(self) -> None:
        self.accounts.close()
