/** MicroProfile Health checks: ready once the pipeline started and Hazelcast is up; live while it runs. */
package dev.flowcast.health;
