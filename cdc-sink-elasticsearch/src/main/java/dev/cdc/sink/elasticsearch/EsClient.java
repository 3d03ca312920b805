package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.error.RetriableException;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.ResponseListener;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A thin layer over the low-level REST client: JSON requests that answer a parsed body or throw
 * a {@link RetriableException} (connection lost, timeout, 429, 5xx) or a {@link CdcException}
 * carrying Elasticsearch's reason (other 4xx). Thread-safe, as the REST client is.
 */
final class EsClient implements AutoCloseable {

    static final ContentType JSON = ContentType.APPLICATION_JSON;
    static final ContentType NDJSON = ContentType.create("application/x-ndjson", StandardCharsets.UTF_8);

    /** How the sink reaches the cluster; the secrets are never printed. */
    record Settings(List<String> hosts, Optional<String> username, Optional<String> password,
                    Optional<String> apiKey, Optional<String> caCertificate, boolean insecureTrust,
                    Duration requestTimeout) {
        @Override
        public String toString() {
            return "hosts=" + hosts + ", username=" + username.orElse("-") + ", password="
                    + password.map(p -> "******").orElse("-") + ", api-key=" + apiKey.map(p -> "******").orElse("-");
        }
    }

    /** A response with its status and parsed body (missing when empty). */
    record Reply(int status, JsonNode body) {
    }

    private final RestClient rest;
    private final String hosts;

    private EsClient(RestClient rest, String hosts) {
        this.rest = rest;
        this.hosts = hosts;
    }

    static EsClient connect(Settings s) {
        HttpHost[] hosts = s.hosts().stream().map(h -> HttpHost.create(h.endsWith("/") ? h.substring(0, h.length() - 1) : h))
                .toArray(HttpHost[]::new);
        RestClientBuilder b = RestClient.builder(hosts);
        List<Header> headers = new ArrayList<>();
        s.apiKey().ifPresent(k -> headers.add(new BasicHeader("Authorization", "ApiKey " + k)));
        if (!headers.isEmpty()) {
            b.setDefaultHeaders(headers.toArray(Header[]::new));
        }
        int timeout = (int) Math.min(Integer.MAX_VALUE, s.requestTimeout().toMillis());
        b.setRequestConfigCallback(rc -> rc.setConnectTimeout(Math.min(timeout, 10_000)).setSocketTimeout(timeout)
                .setConnectionRequestTimeout(timeout));
        SSLContext ssl = sslContext(s);
        b.setHttpClientConfigCallback(hc -> {
            if (s.username().isPresent()) {
                BasicCredentialsProvider creds = new BasicCredentialsProvider();
                creds.setCredentials(AuthScope.ANY,
                        new UsernamePasswordCredentials(s.username().get(), s.password().orElse("")));
                hc.setDefaultCredentialsProvider(creds);
            }
            if (ssl != null) {
                hc.setSSLContext(ssl);
            }
            if (s.insecureTrust()) {
                hc.setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE);
            }
            hc.setMaxConnTotal(64).setMaxConnPerRoute(32);
            return hc;
        });
        return new EsClient(b.build(), String.join(", ", s.hosts()));
    }

    private static SSLContext sslContext(Settings s) {
        try {
            if (s.insecureTrust()) {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[]{new TrustAll()}, null);
                return ctx;
            }
            if (s.caCertificate().isPresent()) {
                Path pem = Path.of(s.caCertificate().get());
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                try (InputStream in = Files.newInputStream(pem)) {
                    int i = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        ks.setCertificateEntry("ca-" + i++, c);
                    }
                    if (i == 0) {
                        throw new ConfigurationException("ca-certificate '" + pem + "' holds no PEM certificate");
                    }
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), null);
                return ctx;
            }
            return null;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("could not read ca-certificate '" + s.caCertificate().orElse("")
                    + "': " + e.getMessage() + "; expected a PEM file with the CA certificate of the cluster");
        }
    }

    /** Sends a request; 404 is answered (not thrown) when {@code allow404}. */
    Reply send(String method, String path, String jsonBody, boolean allow404) {
        Request r = new Request(method, path);
        if (jsonBody != null) {
            r.setEntity(new ByteArrayEntity(jsonBody.getBytes(StandardCharsets.UTF_8), JSON));
        }
        return send(r, allow404, method + " " + path);
    }

    /** A synchronous NDJSON request (bulk). */
    JsonNode ndjson(String path, String body) {
        Request r = new Request("POST", path);
        r.setEntity(new ByteArrayEntity(body.getBytes(StandardCharsets.UTF_8), NDJSON));
        return send(r, false, "POST " + path).body();
    }

    JsonNode json(String method, String path, String jsonBody) {
        return send(method, path, jsonBody, false).body();
    }

    private Reply send(Request r, boolean allow404, String what) {
        Response response;
        try {
            response = rest.performRequest(r);
        } catch (ResponseException e) {
            response = e.getResponse();
        } catch (IOException e) {
            throw new RetriableException("Elasticsearch (" + hosts + ") did not answer " + what + ": " + e, e);
        }
        int status = response.getStatusLine().getStatusCode();
        JsonNode body = parse(response);
        if (status < 300 || (allow404 && status == 404)) {
            return new Reply(status, body);
        }
        String reason = reason(body);
        if (status == 429 || status >= 500) {
            throw new RetriableException("Elasticsearch answered " + status + " to " + what + ": " + reason);
        }
        throw new EsRequestException(status, "Elasticsearch answered " + status + " to " + what + ": " + reason);
    }

    /**
     * A request whose answer (2xx) is wanted as its raw bytes, to be parsed as a stream (large
     * answers: {@code _mget}); other statuses are thrown as by {@link #send}.
     */
    byte[] raw(String method, String path, String jsonBody) {
        Request r = new Request(method, path);
        r.setEntity(new ByteArrayEntity(jsonBody.getBytes(StandardCharsets.UTF_8), JSON));
        String what = method + " " + path;
        Response response;
        try {
            response = rest.performRequest(r);
            return response.getEntity() == null ? new byte[0] : bytes(response.getEntity());
        } catch (ResponseException e) {
            send(r, false, what); // throws with Elasticsearch's reason
            throw new IllegalStateException("unreachable");
        } catch (IOException e) {
            throw new RetriableException("Elasticsearch (" + hosts + ") did not answer " + what + ": " + e, e);
        }
    }

    /**
     * The body of an answer. The REST client has buffered all of it, so its stream says how many
     * bytes it holds and they are copied once into an array of that size; {@code EntityUtils}
     * would grow a buffer from 4 KB for a chunked answer (scroll pages are), several copies of
     * every page.
     */
    static byte[] bytes(HttpEntity entity) throws IOException {
        try (InputStream in = entity.getContent()) {
            byte[] head = new byte[Math.max(in.available(), 0)];
            int n = in.readNBytes(head, 0, head.length);
            byte[] rest = in.readAllBytes(); // empty unless the stream did not know its size
            if (n == head.length && rest.length == 0) {
                return head;
            }
            byte[] all = Arrays.copyOf(head, n + rest.length);
            System.arraycopy(rest, 0, all, n, rest.length);
            return all;
        }
    }

    /** Sends a bulk body asynchronously. */
    void bulkAsync(byte[] body, ResponseListener listener) {
        Request r = new Request("POST", "/_bulk");
        r.addParameter("filter_path", "errors,items.*.status,items.*.error");
        r.setEntity(new ByteArrayEntity(body, NDJSON));
        rest.performRequestAsync(r, listener);
    }

    static JsonNode parse(Response response) {
        try {
            if (response.getEntity() == null) {
                return MissingNode.getInstance();
            }
            byte[] bytes = bytes(response.getEntity());
            return bytes.length == 0 ? MissingNode.getInstance() : EsJson.MAPPER.readTree(bytes);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** Elasticsearch's error as one line: {@code type: reason (caused by: ...)}. */
    static String reason(JsonNode body) {
        JsonNode error = body.path("error");
        if (error.isMissingNode()) {
            return body.isMissingNode() ? "(no body)" : body.toString();
        }
        if (error.isTextual()) {
            return error.asText();
        }
        StringBuilder sb = new StringBuilder(error.path("type").asText()).append(": ").append(error.path("reason").asText());
        JsonNode cause = error.path("caused_by");
        if (!cause.isMissingNode()) {
            sb.append(" (caused by ").append(cause.path("type").asText()).append(": ")
                    .append(cause.path("reason").asText()).append(')');
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        rest.close();
    }

    /** A 4xx answer other than 429: not retriable; carries the status. */
    static final class EsRequestException extends CdcException {
        private final int status;

        EsRequestException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
