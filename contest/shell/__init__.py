"""The application shell: composition root (app factory), CLI, worker, embedded services, demo.
It wires everything; nothing imports it back."""
