package dev.cdc.sink.elasticsearch;

import org.apache.http.entity.BasicHttpEntity;
import org.apache.http.entity.ByteArrayEntity;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** An answer's body is read whole, whether or not its stream knows how many bytes it holds. */
class EsClientBytesTest {

    private static final byte[] BODY = new byte[300_000];

    static {
        new Random(15).nextBytes(BODY);
    }

    @Test
    void bufferedBodyOfKnownSize() throws IOException {
        assertThat(EsClient.bytes(new ByteArrayEntity(BODY))).isEqualTo(BODY);
    }

    @Test
    void streamThatUndercountsItsBytes() throws IOException {
        BasicHttpEntity entity = new BasicHttpEntity();
        entity.setContent(new FilterInputStream(new ByteArrayInputStream(BODY)) {
            @Override
            public int available() {
                return 1000;
            }
        });
        assertThat(EsClient.bytes(entity)).isEqualTo(BODY);
    }

    @Test
    void emptyBody() throws IOException {
        assertThat(EsClient.bytes(new ByteArrayEntity(new byte[0]))).isEmpty();
    }
}
