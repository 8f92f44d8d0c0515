package org.spacetime.models;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for the parts of loading a model that run side by side (hashing files, making sessions,
 * reading the tokenizer). They end when the load does: the plugin lives inside someone else's
 * process, and the JVM's common pool would leave idle workers behind in it for a minute.
 */
final class LoadingThreads implements AutoCloseable {
    private final ExecutorService threads;

    LoadingThreads(String name, int count) {
        AtomicInteger made = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(Math.max(1, count), r -> {
            Thread t = new Thread(r, "spacetime-" + name + "-" + made.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    <T> Future<T> submit(Callable<T> task) {
        return threads.submit(task);
    }

    Future<?> submit(Runnable task) {
        return threads.submit(task);
    }

    /** The task's result, or the exception it threw as it was (runtime exceptions unwrapped). */
    static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the model", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Lets queued tasks finish; the threads end once idle. */
    @Override
    public void close() {
        threads.shutdown();
    }
}
