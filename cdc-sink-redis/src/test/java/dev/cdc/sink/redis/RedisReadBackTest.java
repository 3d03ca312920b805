package dev.cdc.sink.redis;

import dev.cdc.api.event.Row;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedisReadBackTest {

    @Test
    void decodingAKeyInvertsItsEncodingWhateverTheValuesHold() {
        RedisValues values = new RedisValues("p");
        Row key = Row.of("a", "x:y", "b", "back\\slash", "c", 7L);
        String encoded = KeyTemplate.encodeKey(key, values);
        assertThat(RedisReadBack.decodeKey(encoded)).containsExactly("x:y", "back\\slash", "7");
        assertThat(RedisReadBack.decodeKey("42")).isEqualTo(List.of("42"));
        assertThat(RedisReadBack.decodeKey("")).isEqualTo(List.of(""));
    }
}
