package dev.cdc.plugins.checkpoint;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Position;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.format.CheckpointCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileCheckpointStoreTest {

    @TempDir
    Path dir;

    private static Checkpoint at(long sequence) {
        return new Checkpoint("orders", Position.ofSequence(sequence), Instant.parse("2026-01-02T13:45:00Z"),
                Map.of("events", Long.toString(sequence)));
    }

    @Test
    void absentDirectoryOrFileLoadsNothing() {
        assertThat(new FileCheckpointStore(dir.resolve("missing/deeper")).load()).isEmpty();
        assertThat(new FileCheckpointStore(dir).load()).isEmpty();
    }

    @Test
    void savedCheckpointIsLoadedByANewStore() throws Exception {
        Path cpDir = dir.resolve("pipelines/orders");
        try (FileCheckpointStore store = new FileCheckpointStore(cpDir)) {
            store.save(at(1));
            store.save(at(2));
            assertThat(store.load()).contains(at(2));
        }

        try (FileCheckpointStore reopened = new FileCheckpointStore(cpDir)) {
            assertThat(reopened.load()).contains(at(2));
        }
        assertThat(cpDir.resolve("checkpoint.json")).exists();
        assertThat(cpDir.resolve("checkpoint.json.tmp")).doesNotExist();
        assertThat(CheckpointCodec.decode(Files.readAllBytes(cpDir.resolve("checkpoint.json")))).isEqualTo(at(2));
    }

    @Test
    void aLeftoverTemporaryFileIsIgnoredAndReplaced() throws Exception {
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            store.save(at(5));
        }
        Files.writeString(dir.resolve("checkpoint.json.tmp"), "{\"pipeline\":\"orders\",\"posi");

        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            assertThat(store.load()).contains(at(5));
            store.save(at(6));
            assertThat(store.load()).contains(at(6));
        }
        assertThat(dir.resolve("checkpoint.json.tmp")).doesNotExist();
    }

    @Test
    void aDamagedCheckpointNamesTheFileAndHowToRecover() throws Exception {
        Files.writeString(dir.resolve("checkpoint.json"), "{\"pipeline\":\"orders\",\"posi");
        FileCheckpointStore store = new FileCheckpointStore(dir);

        assertThatThrownBy(store::load).isInstanceOf(CdcException.class)
                .hasMessageContaining(dir.resolve("checkpoint.json").toString())
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("restore")
                .hasMessageContaining("delete")
                .hasMessageContaining("snapshot mode");
    }

    @Test
    void twoStoresCannotWriteOneDirectory() throws Exception {
        try (FileCheckpointStore first = new FileCheckpointStore(dir)) {
            first.save(at(1));
            FileCheckpointStore second = new FileCheckpointStore(dir);

            assertThatThrownBy(() -> second.save(at(2))).isInstanceOf(CdcException.class)
                    .hasMessageContaining("locked").hasMessageContaining("'orders'");
            assertThat(second.load()).contains(at(1));
            second.close();
        }
        try (FileCheckpointStore third = new FileCheckpointStore(dir)) {
            third.save(at(3));
            assertThat(third.load()).contains(at(3));
        }
    }

    @Test
    void closeIsIdempotentAndFinal() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        store.save(at(1));
        store.close();
        store.close();

        assertThatThrownBy(() -> store.save(at(2))).isInstanceOf(IllegalStateException.class);
        assertThat(new FileCheckpointStore(dir).load()).contains(at(1));
    }
}
