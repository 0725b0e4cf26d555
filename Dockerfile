# acc-mcp for teams: stateless streamable HTTP, each request signed with the caller's own APS token.
#   docker build -t acc-mcp .
#   docker run -p 8000:8000 -e ACC_PUBLIC_URL=https://acc-mcp.example.com acc-mcp
# Run as many replicas as you like behind any load balancer (no sticky sessions); see docs/deploy-http.md.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY acc_mcp ./acc_mcp
RUN pip install . && useradd --system --uid 10001 acc
USER acc

# Passthrough: no token is stored in the container; every MCP request brings `Authorization: Bearer <APS token>`.
ENV ACC_AUTH_PASSTHROUGH=true ACC_READ_ONLY=false ACC_TOOLSETS=default ACC_LOG_LEVEL=INFO
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
# 0.0.0.0 inside the container: the container's network is the boundary; publish the port deliberately.
CMD ["acc-mcp", "serve", "--transport", "http", "--host", "0.0.0.0", "--port", "8000"]
