# The Dagster code location of Abri (pipelines.definitions), served over gRPC; the same image
# runs each Dagster run's pod (K8sRunLauncher). See docs/deploy-kubernetes.md.
# Build: docker build -t abri-code-location:$(git rev-parse --short HEAD) .
FROM python:3.11-slim-bookworm

# libgomp1: LightGBM's OpenMP runtime
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

# an unprivileged user; ABRI_HOME is a mounted volume (warehouse, lake, models, landing)
RUN useradd --create-home --uid 10001 abri
WORKDIR /opt/abri

COPY pyproject.toml README.md requirements.lock ./
COPY abri ./abri
COPY ingest ./ingest
COPY features ./features
COPY models ./models
COPY fairness ./fairness
COPY governance ./governance
COPY reports ./reports
COPY casework ./casework
COPY pipelines ./pipelines
COPY dashboard ./dashboard
COPY synthetic ./synthetic
# dagster-postgres and dagster-k8s: the run storage and run launcher of the Helm values;
# the [dask] extra for `abri train --engine dask --scheduler ADDRESS`; every library at the version
# of requirements.lock, as `make` installs it (same data and seed, same model file)
RUN pip install --no-cache-dir -c requirements.lock '.[dask]' dagster-postgres dagster-k8s

USER abri
ENV ABRI_HOME=/var/abri \
    PYTHONUNBUFFERED=1
EXPOSE 3030
# the chart passes its own arguments (dagsterApiGrpcArgs); this default serves the same module
CMD ["dagster", "api", "grpc", "-h", "0.0.0.0", "-p", "3030", "-m", "pipelines.definitions"]
