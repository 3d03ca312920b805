/**
 * Schema evolution for cdc: diffs between table schema versions, compatibility verdicts and
 * policies, and a persisted, versioned schema registry. Depends on cdc-api and Jackson only.
 */
package dev.cdc.schema;
