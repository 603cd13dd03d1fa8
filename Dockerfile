# The course in a container: the locked environment on a slim Debian base (trixie: Python 3.13),
# the student copies of the notebooks, and JupyterLab serving them on port 8888.
#
#   make docker                     # build this image from a fresh clone and check it (see README)
#   docker run --rm -p 127.0.0.1:8888:8888 -v probmod-student:/home/learner/course/student probmod-course
#
# `make docker` builds the base image locally with debootstrap when the daemon does not have it
# (no registry needed): scripts/docker.sh reads the release from the FROM line below, so keep it
# `debian:<release>-slim`.
FROM debian:trixie-slim

# ca-certificates: the trust store pip uses (PIP_CERT below), with any CA certificates that
# the base image carries in /usr/local/share/ca-certificates.
# g++ and the Python headers: PyTensor compiles its C code with them (as on a course machine).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates g++ git make python3 python3-dev python3-venv \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb

# A non-root user owns the course, its environment and the attendee's work.
RUN useradd --create-home --uid 1000 --shell /bin/bash learner \
 && install -d -o learner -g learner /home/learner/course
USER learner
WORKDIR /home/learner/course
# The environment lives outside the course folder (so a dev container's workspace mount does not
# hide it); the course folder's .venv points at it, so every `make` target finds it as usual.
ENV VIRTUAL_ENV=/home/learner/venv \
    PATH=/home/learner/venv/bin:$PATH \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# 1. The locked environment, installed by the Makefile's own `make env` (TORCH=cpu: the CPU build
#    of torch from PyTorch's index; see book/setup.md). Only these three files invalidate this
#    layer, so a rebuild after a change to the notebooks, helpers or docs reuses it. Package
#    indexes other than PyPI come in as build args (PIP_INDEX_URL, PIP_EXTRA_INDEX_URL,
#    PIP_TRUSTED_HOST).
ARG TORCH=gpu
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ARG PIP_TRUSTED_HOST
COPY --chown=learner:learner Makefile pyproject.toml requirements.lock ./
COPY --chown=learner:learner scripts/find-python scripts/
# (pyproject.toml names README.md as the package's readme: an empty one stands in until step 2.)
RUN python3 -m venv /home/learner/venv \
 && ln -s /home/learner/venv .venv \
 && touch README.md \
 && make env TORCH="$TORCH"

# 2. The course itself; `make env` again installs the course's own package from it (the lock is
#    already satisfied) and checks the environment; then the student copies.
COPY --chown=learner:learner . .
RUN rm -f .venv/.installed \
 && make env TORCH="$TORCH" \
 && make student

EXPOSE 8888
# JupyterLab on the student copies. It listens on all of the container's interfaces so that a
# published port reaches it, and keeps Jupyter's token login: open the URL with ?token= that it
# prints. Publish the port on the host's loopback only (-p 127.0.0.1:8888:8888). `make student`
# first fills a new, empty volume mounted on student/ and keeps copies already changed.
CMD ["bash", "-c", "make --no-print-directory student && exec jupyter lab student --ip=0.0.0.0 --port=8888 --no-browser"]
