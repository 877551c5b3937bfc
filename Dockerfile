# The Loupe server (API + web UI) for docker-compose.yml; the store is chosen by LOUPE_* env.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# OpenCV (local features, and the OCR's image handling) links libGL and glib even without a display.
RUN apt-get update && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*

# CPU-only PyTorch first: the default index resolves CUDA builds, gigabytes a CPU server never uses.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch

COPY . .
RUN pip install . \
    && useradd --create-home --uid 10001 loupe \
    && mkdir -p /data \
    && chown loupe /data

# `pip install .` puts the packages in site-packages; the index bodies stay in the source tree.
ENV LOUPE_MAPPINGS_DIR=/app/mappings \
    LOUPE_DATA_DIR=/data \
    LOUPE_PORT=8000

USER loupe
VOLUME ["/data"]
EXPOSE 8000
CMD ["loupe", "serve", "--host", "0.0.0.0"]
