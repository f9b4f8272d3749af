package io.jmachine.engine.container;

/** Whether a start or stop changed anything: dockerd answers one that found the container as asked with 304. */
public enum StateChange {
    CHANGED,
    /** The container already was as asked (a start of a running one, a stop of a stopped one). */
    ALREADY
}
