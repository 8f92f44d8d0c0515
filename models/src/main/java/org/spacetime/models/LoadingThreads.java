package org.spacetime.models;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for the parts of loading a model that run side by side (hashing files, making sessions,
 * reading the tokenizer). They end when the load does, failed or not: the plugin lives inside
 * someone else's process, which may exit as soon as it has the error, and a thread still in
 * native code then (OpenSSL, ONNX Runtime) runs into libraries being torn down. gst-launch with a
 * damaged package died of SIGSEGV that way while the other files were still being hashed.
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

    /**
     * Ends the threads and waits for them. Every task has been awaited when a load succeeds; when
     * it failed, tasks not started are dropped and running ones interrupted (a file being hashed
     * stops at its next read) and waited for.
     */
    @Override
    public void close() {
        threads.shutdownNow();
        boolean interrupted = false;
        while (true) {
            try {
                if (threads.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
