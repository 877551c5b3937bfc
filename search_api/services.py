"""What one running app holds: settings, stores, encoders and the services built on them.

Opened in the app's lifespan (`Services.opened`), closed in reverse order when it ends; never at
import time or in the app factory.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass

from indexer.upload_desk import UploadDesk
from loupe_core.accounts.administration import Administration
from loupe_core.accounts.cookies import CookieSigner
from loupe_core.accounts.store import AccountStore
from loupe_core.analytics.analyst_reports import AnalystReports
from loupe_core.analytics.base import SearchLog
from loupe_core.analytics.factory import open_search_log
from loupe_core.analytics.recorder import EventRecorder
from loupe_core.analytics.usage_recording import UsageRecorder
from loupe_core.analytics.usage_reports import UsageReports
from loupe_core.asset_collections.download import CollectionDownloads
from loupe_core.asset_collections.service import CollectionService
from loupe_core.asset_collections.store import CollectionStore, open_collections_db
from loupe_core.asset_files import AssetFiles
from loupe_core.autocomplete import Autocomplete
from loupe_core.curated_results.book import RuleBook
from loupe_core.encoders.metadata_text import metadata_text
from loupe_core.encoders.registry import Encoders
from loupe_core.feature_files import FeatureFiles
from loupe_core.librarian.approvals import ApprovalDesk
from loupe_core.librarian.completeness import RequiredField
from loupe_core.librarian.conflicts import ConflictDesk
from loupe_core.librarian.db import open_librarian_db
from loupe_core.librarian.duplicate_decisions import DuplicateDecisions
from loupe_core.librarian.duplicates import DuplicateFinder, DuplicateThresholds
from loupe_core.librarian.editing import AssetEditor
from loupe_core.librarian.reports import LibrarianReports
from loupe_core.librarian.retirement import RetirementCandidates
from loupe_core.librarian.search_folding import SearchFolding
from loupe_core.librarian.suggestion_decisions import SuggestionDesk
from loupe_core.librarian.suggestions import TagSuggester
from loupe_core.librarian.vocabulary import Vocabulary
from loupe_core.librarian.vocabulary_edits import VocabularyEditor
from loupe_core.relevance.floors import relevance_floors
from loupe_core.saved_searches.service import SavedSearchService, SearchTuning
from loupe_core.saved_searches.store import SavedSearchStore, open_saved_searches_db
from loupe_core.schema import Asset
from loupe_core.search_service import SearchService
from loupe_core.settings import Settings
from loupe_core.store.base import AssetStore
from loupe_core.store.embedded.connection import ConnectionPool
from loupe_core.store.factory import open_store
from search_api.rate_limit import LoginThrottle, SlidingWindowLimiter
from search_api.typing_searches import TypingSearches


@dataclass
class Services:
    settings: Settings
    store: AssetStore
    encoders: Encoders
    search: SearchService
    accounts: AccountStore
    cookies: CookieSigner
    login_limiter: LoginThrottle
    search_log: SearchLog
    recorder: EventRecorder
    typing: TypingSearches
    librarian_db: ConnectionPool
    vocabulary: Vocabulary
    suggester: TagSuggester
    editor: AssetEditor
    duplicate_decisions: DuplicateDecisions
    conflicts: ConflictDesk
    suggestion_desk: SuggestionDesk
    duplicates: DuplicateFinder
    files: AssetFiles
    collections: CollectionService
    collection_downloads: CollectionDownloads
    saved_searches: SavedSearchService
    administration: Administration
    analyst_reports: AnalystReports
    librarian_reports: LibrarianReports
    vocabulary_editor: VocabularyEditor
    uploads: UploadDesk
    approvals: ApprovalDesk
    autocomplete: Autocomplete
    rule_book: RuleBook
    usage_reports: UsageReports
    usage: UsageRecorder
    retirement: RetirementCandidates

    @classmethod
    @contextmanager
    def opened(
        cls, settings: Settings, store: AssetStore | None = None, encoders: Encoders | None = None
    ) -> Iterator[Services]:
        """Everything the app holds, opened in order and closed in reverse when the block ends.

        A failure part-way closes what was already opened. A store or encoders passed in are
        the caller's to close.
        """
        with ExitStack() as stack:
            if store is None:
                store = stack.enter_context(closing(open_store(settings)))
            yield cls._assemble(settings, store, encoders or Encoders.from_settings(settings), stack)

    @classmethod
    def _assemble(cls, settings: Settings, store: AssetStore, encoders: Encoders, stack: ExitStack) -> Services:
        accounts = stack.enter_context(closing(AccountStore(settings.accounts_db_path)))
        librarian_db = stack.enter_context(closing(open_librarian_db(settings.librarian_db_path)))
        vocabulary = Vocabulary(librarian_db)
        search_log = stack.enter_context(closing(open_search_log(settings)))
        recorder = stack.enter_context(closing(EventRecorder(search_log, capacity=settings.search_log_capacity)))
        usage = UsageRecorder(recorder)
        typing = TypingSearches(recorder.record)
        stack.callback(typing.release_all)  # logs what is held into the recorder before it closes
        suggester = TagSuggester(vocabulary, encoders, librarian_db)
        rule_book = RuleBook(librarian_db, accounts.record)
        search = stack.enter_context(
            closing(
                SearchService(
                    store,
                    encoders,
                    settings.max_image_pixels,
                    synonyms=vocabulary.synonyms_for,
                    hide_expired_from_viewers=not settings.show_expired_to_viewers,
                    floors=relevance_floors(settings, store, encoders),
                    clusters=SearchFolding(librarian_db, store).clusters,
                    rules=rule_book.curation,
                )
            )
        )

        def embed_text(asset: Asset) -> list[float] | None:
            text = encoders.text()
            return text.encode_texts([metadata_text(asset)])[0].tolist() if text else asset.text_vector

        editor = AssetEditor(store, accounts, embed_text)
        duplicates = DuplicateFinder(
            store, librarian_db, DuplicateThresholds.from_settings(settings), FeatureFiles(settings.features_dir)
        )
        upload_limiter = SlidingWindowLimiter(settings.uploads_per_minute)
        files = AssetFiles(settings)
        collections = CollectionService(
            CollectionStore(stack.enter_context(closing(open_collections_db(settings.collections_db_path)))),
            search,
            accounts.record,
            lambda: {name for name, _ in accounts.groups()},
        )
        saved_searches = SavedSearchService(
            SavedSearchStore(stack.enter_context(closing(open_saved_searches_db(settings.saved_searches_db_path)))),
            search,
            collections,
            SearchTuning(settings.knn_candidates, settings.rrf_k, settings.fusion, settings.keyword_weight),
        )
        return cls(
            settings=settings,
            store=store,
            encoders=encoders,
            search=search,
            accounts=accounts,
            cookies=CookieSigner(settings.resolved_secret_key()),
            login_limiter=LoginThrottle.from_settings(settings),
            search_log=search_log,
            recorder=recorder,
            typing=typing,
            librarian_db=librarian_db,
            vocabulary=vocabulary,
            suggester=suggester,
            editor=editor,
            duplicate_decisions=DuplicateDecisions(editor, librarian_db),
            conflicts=ConflictDesk(editor),
            suggestion_desk=SuggestionDesk(editor, suggester),
            files=files,
            collections=collections,
            collection_downloads=CollectionDownloads(collections, files, record_download=usage.downloaded),
            saved_searches=saved_searches,
            duplicates=duplicates,
            administration=Administration(accounts),
            analyst_reports=AnalystReports(search_log, store, suggester.closest_terms),
            autocomplete=Autocomplete(search, search_log, settings.suggest_query_days),
            rule_book=rule_book,
            usage_reports=UsageReports(search_log, store),
            usage=usage,
            retirement=RetirementCandidates(store, search_log, editor),
            librarian_reports=LibrarianReports(store, [RequiredField(f) for f in settings.required_fields]),
            vocabulary_editor=VocabularyEditor(vocabulary, accounts),
            uploads=UploadDesk(
                settings, store, encoders, duplicates, librarian_db, accounts, upload_limiter.retry_after
            ),
            approvals=ApprovalDesk(store, editor),
        )
