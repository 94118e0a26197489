# graphsvc HTTP API: docker build -t graphsvc . && docker run -p 8000:8000 graphsvc
# Serve another seed: docker run -p 8000:8000 -v "$PWD/myseed:/seed:ro" -e GRAPHSVC_SEED=/seed graphsvc
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GRAPHSVC_HOST=0.0.0.0 \
    GRAPHSVC_PORT=8000

WORKDIR /app
COPY pyproject.toml README.md ./
COPY graphsvc ./graphsvc
COPY seed ./seed
# the wheel carries the bundled seed (seed/ -> graphsvc/_seed), so the image needs no checkout
RUN pip install . && rm -rf /app/graphsvc /app/seed

RUN useradd --create-home --uid 10001 graphsvc
USER graphsvc
WORKDIR /home/graphsvc

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('GRAPHSVC_PORT', '8000') + '/healthz', timeout=4)"

# exec form: graphsvc runs as PID 1 and itself gets SIGTERM (graceful stop) and SIGHUP (reload)
ENTRYPOINT ["graphsvc", "serve"]
