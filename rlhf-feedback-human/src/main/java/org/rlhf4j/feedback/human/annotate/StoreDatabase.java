package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The store's one SQLite connection and the few helpers its parts share: queries, updates and immediate
 * transactions, with every failure naming the file. Not thread-safe: the store calls it one thread at a time.
 */
final class StoreDatabase implements AutoCloseable {
    /** Reads one row. */
    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private final Path file;
    private final Connection connection;

    StoreDatabase(Path file, Connection connection) {
        this.file = requireNonNull(file, "file is null");
        this.connection = requireNonNull(connection, "connection is null");
    }

    Path file() {
        return file;
    }

    Connection connection() {
        return connection;
    }

    /** Every row {@code sql} selects, read by {@code reader}. */
    <T> List<T> query(String sql, RowReader<T> reader, Object... parameters) {
        try (PreparedStatement statement = prepare(sql, parameters); ResultSet rows = statement.executeQuery()) {
            List<T> read = new ArrayList<>();
            while (rows.next()) {
                read.add(reader.read(rows));
            }
            return read;
        }
        catch (SQLException e) {
            throw failure("read", e);
        }
    }

    /** Runs an insert, update or delete; returns how many rows it changed. */
    int update(String sql, Object... parameters) {
        try (PreparedStatement statement = prepare(sql, parameters)) {
            return statement.executeUpdate();
        }
        catch (SQLException e) {
            throw failure("write", e);
        }
    }

    /** The row id the last insert on this connection gave. */
    long lastInsertRowId() {
        return query("SELECT last_insert_rowid()", row -> row.getLong(1)).get(0);
    }

    /** Runs {@code work} in one immediate transaction: all of it is durable when this returns, or none of it. */
    <T> T inTransaction(Supplier<T> work) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            boolean committed = false;
            try {
                T result = work.get();
                statement.execute("COMMIT");
                committed = true;
                return result;
            }
            finally {
                if (!committed) {
                    rollback(statement);
                }
            }
        }
        catch (SQLException e) {
            throw failure("write", e);
        }
    }

    UncheckedIOException failure(String what, SQLException e) {
        return new UncheckedIOException(new IOException("annotation store " + file + ": cannot " + what + ": " + e.getMessage(), e));
    }

    @Override
    public void close() {
        try {
            connection.close();
        }
        catch (SQLException e) {
            throw failure("close", e);
        }
    }

    private PreparedStatement prepare(String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement;
        }
        catch (SQLException e) {
            statement.close();
            throw e;
        }
    }

    private static void rollback(Statement statement) {
        try {
            statement.execute("ROLLBACK");
        }
        catch (SQLException ignored) {
            // the failure that led here is reported
        }
    }
}
