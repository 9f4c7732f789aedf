/** Reading JSON Lines data files with errors that name the file and line. */
package org.rlhf4j.api.io;
