package org.spacetime.models;

/** A model package that cannot be used; the message names the file or field, what was found and what is expected. */
public class InvalidModelPackageException extends RuntimeException {
    public InvalidModelPackageException(String message) {
        super(message);
    }

    public InvalidModelPackageException(String message, Throwable cause) {
        super(message, cause);
    }
}
